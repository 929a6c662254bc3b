/* Device handles of the libusb stand-in: open/close, interface claims, alt
 * settings, control transfers and port reset, each one request on the bus.
 * A device that re-enumerated (or a bus that went away) answers
 * LIBUSB_ERROR_NO_DEVICE, as a real unplugged device does. */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CALL_WAIT_MS 10000
/* libusb waits forever on timeout 0; the bus is local, so a minute means it is gone. */
#define NO_TIMEOUT_WAIT_MS 60000

/* One request naming a device (and up to two small arguments); returns its status. */
static int dev_call(struct libusb_device *dev, uint8_t op, int nargs, uint8_t a, uint8_t b) {
  uint8_t q[6];
  put_u32(q, dev->dev_id);
  q[4] = a;
  q[5] = b;
  struct wire_reply r;
  int rc = wire_call(dev->ctx, op, q, 4 + (uint32_t)nargs, CALL_WAIT_MS, &r);
  if (rc == LIBUSB_ERROR_IO) return LIBUSB_ERROR_NO_DEVICE; /* the whole bus is gone */
  if (rc) return rc;
  free(r.payload);
  return r.status;
}

int libusb_open(libusb_device *dev, libusb_device_handle **out) {
  int rc = dev_call(dev, OP_OPEN, 0, 0, 0);
  if (rc < 0) return rc;
  struct libusb_device_handle *h = calloc(1, sizeof *h);
  if (!h) {
    dev_call(dev, OP_CLOSE, 0, 0, 0);
    return LIBUSB_ERROR_NO_MEM;
  }
  h->dev = libusb_ref_device(dev);
  *out = h;
  return LIBUSB_SUCCESS;
}

void libusb_close(libusb_device_handle *h) {
  if (!h) return;
  dev_call(h->dev, OP_CLOSE, 0, 0, 0);
  libusb_unref_device(h->dev);
  free(h);
}

libusb_device *libusb_get_device(libusb_device_handle *h) { return h->dev; }

libusb_device_handle *libusb_open_device_with_vid_pid(libusb_context *ctx, uint16_t vid, uint16_t pid) {
  libusb_device **list;
  ssize_t n = libusb_get_device_list(ctx, &list);
  if (n < 0) return NULL;
  libusb_device_handle *found = NULL;
  for (ssize_t i = 0; i < n && !found; i++) {
    if (list[i]->desc.idVendor == vid && list[i]->desc.idProduct == pid && libusb_open(list[i], &found) != 0) found = NULL;
  }
  libusb_free_device_list(list, 1);
  return found;
}

int libusb_claim_interface(libusb_device_handle *h, int iface) {
  return dev_call(h->dev, OP_CLAIM, 1, (uint8_t)iface, 0);
}

int libusb_release_interface(libusb_device_handle *h, int iface) {
  return dev_call(h->dev, OP_RELEASE, 1, (uint8_t)iface, 0);
}

int libusb_set_interface_alt_setting(libusb_device_handle *h, int iface, int alt) {
  return dev_call(h->dev, OP_SET_ALT, 2, (uint8_t)iface, (uint8_t)alt);
}

int libusb_reset_device(libusb_device_handle *h) { return dev_call(h->dev, OP_RESET, 0, 0, 0); }

int libusb_clear_halt(libusb_device_handle *h, unsigned char endpoint) {
  (void)h; (void)endpoint;
  return LIBUSB_SUCCESS;
}

/* The socket bus has no kernel drivers to detach. */
int libusb_kernel_driver_active(libusb_device_handle *h, int iface) { (void)h; (void)iface; return 0; }
int libusb_detach_kernel_driver(libusb_device_handle *h, int iface) { (void)h; (void)iface; return LIBUSB_ERROR_NOT_FOUND; }
int libusb_attach_kernel_driver(libusb_device_handle *h, int iface) { (void)h; (void)iface; return LIBUSB_ERROR_NOT_FOUND; }
int libusb_set_auto_detach_kernel_driver(libusb_device_handle *h, int enable) { (void)h; (void)enable; return 0; }

int libusb_get_configuration(libusb_device_handle *h, int *config) {
  *config = h->dev->config_len >= LIBUSB_DT_CONFIG_SIZE ? h->dev->config[5] : 0;
  return LIBUSB_SUCCESS;
}

int libusb_set_configuration(libusb_device_handle *h, int config) {
  int current = 0;
  libusb_get_configuration(h, &current);
  return config == current || config == -1 ? LIBUSB_SUCCESS : LIBUSB_ERROR_NOT_FOUND;
}

int libusb_control_transfer(libusb_device_handle *h, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
                            uint16_t wIndex, unsigned char *data, uint16_t wLength, unsigned int timeout) {
  int out = !(bmRequestType & LIBUSB_ENDPOINT_IN);
  uint32_t qlen = 16 + (out ? wLength : 0);
  uint8_t *q = malloc(qlen);
  if (!q) return LIBUSB_ERROR_NO_MEM;
  put_u32(q, h->dev->dev_id);
  q[4] = bmRequestType;
  q[5] = bRequest;
  put_u16(q + 6, wValue);
  put_u16(q + 8, wIndex);
  put_u16(q + 10, wLength);
  put_u32(q + 12, timeout);
  if (out && wLength) memcpy(q + 16, data, wLength);

  struct wire_reply r;
  unsigned wait = timeout ? timeout + 1000 : NO_TIMEOUT_WAIT_MS;
  int rc = wire_call(h->dev->ctx, OP_CONTROL, q, qlen, wait, &r);
  free(q);
  if (rc == LIBUSB_ERROR_IO) return LIBUSB_ERROR_NO_DEVICE;
  if (rc) return rc;
  if (!out && r.status > 0) {
    uint32_t n = (uint32_t)r.status;
    if (n > r.len) n = r.len;
    if (n > wLength) n = wLength;
    memcpy(data, r.payload, n);
    r.status = (int32_t)n;
  }
  free(r.payload);
  return r.status;
}

int libusb_get_string_descriptor_ascii(libusb_device_handle *h, uint8_t index, unsigned char *data, int length) {
  unsigned char buf[255];
  if (index == 0) return LIBUSB_ERROR_INVALID_PARAM;
  int r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR, LIBUSB_DT_STRING << 8, 0, buf, 4, 1000);
  if (r < 0) return r;
  if (r < 4) return LIBUSB_ERROR_IO;
  uint16_t langid = get_u16(buf + 2);
  r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR, (uint16_t)((LIBUSB_DT_STRING << 8) | index),
                              langid, buf, sizeof buf, 1000);
  if (r < 0) return r;
  if (r < 2 || buf[1] != LIBUSB_DT_STRING || buf[0] > r) return LIBUSB_ERROR_IO;
  int n = 0;
  for (int i = 2; i + 1 < buf[0] && n < length - 1; i += 2) data[n++] = buf[i + 1] || buf[i] & 0x80 ? '?' : buf[i];
  if (length > 0) data[n] = 0;
  return n;
}
