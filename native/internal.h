/* Shared declarations of the libusb-1.0 stand-in that reaches a USB bus over
 * a Unix socket (wire protocol: src/protocol/usb-socket.md). */
#ifndef RIG_LIBUSB_SOCKET_INTERNAL_H
#define RIG_LIBUSB_SOCKET_INTERNAL_H

#include <libusb-1.0/libusb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION 1
#define MAX_BODY (1u << 20)
#define MAX_PORTS 7

enum wire_op {
  OP_HELLO = 0,
  OP_LIST = 1,
  OP_OPEN = 2,
  OP_CLOSE = 3,
  OP_CLAIM = 4,
  OP_RELEASE = 5,
  OP_SET_ALT = 6,
  OP_CONTROL = 7,
  OP_RESET = 8,
};

/* One connection to the bus. fd < 0 once the server went away: every call
 * then fails as if the whole bus had been unplugged. */
struct libusb_context {
  int fd;
  uint32_t seq;
  pthread_mutex_t lock;
};

struct libusb_device {
  struct libusb_context *ctx;
  int refs;
  uint32_t dev_id;
  uint8_t bus, address, speed, nports;
  uint8_t ports[MAX_PORTS];
  struct libusb_device_descriptor desc;
  uint8_t *config;
  uint16_t config_len;
};

struct libusb_device_handle {
  struct libusb_device *dev;
};

/* A response: status (libusb code or byte count) and a malloc'd payload. */
struct wire_reply {
  int32_t status;
  uint8_t *payload;
  uint32_t len;
};

/* The context libusb calls with ctx == NULL use. */
struct libusb_context *libusb_socket_default_context(void);

/* Connects to $RIG_USB_SOCKET; returns 0 or a libusb error (and says why on stderr). */
int wire_connect(struct libusb_context *ctx);
void wire_disconnect(struct libusb_context *ctx);
/* Sends one request and waits up to wait_ms for its response. Returns 0 with
 * *reply filled, or LIBUSB_ERROR_IO / LIBUSB_ERROR_TIMEOUT. */
int wire_call(struct libusb_context *ctx, uint8_t op, const uint8_t *payload, uint32_t len,
              unsigned wait_ms, struct wire_reply *reply);

/* Parses a raw configuration bundle into libusb's structures. */
int config_parse(const uint8_t *raw, size_t len, struct libusb_config_descriptor **out);
void config_free(struct libusb_config_descriptor *config);

static inline void put_u16(uint8_t *p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }
static inline void put_u32(uint8_t *p, uint32_t v) {
  p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}
static inline uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif
