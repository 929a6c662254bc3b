/* A stand-in for libusb-1.0, loaded with LD_PRELOAD, that reaches a USB bus
 * served on the Unix socket named by $RIG_USB_SOCKET instead of the host's
 * USB controllers (wire protocol: src/transport/usb-socket/protocol.md).
 * It covers the synchronous API: what dfu-util 0.11 calls, plus the usual
 * neighbours (string descriptors, open by VID/PID, configuration queries) so
 * another synchronous libusb program does not fall through to the real
 * library with our structures. Asynchronous transfers and hotplug are not
 * offered (libusb_has_capability says so). */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CALL_WAIT_MS 10000

static struct libusb_context default_ctx = { .fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };
static int default_refs;

static struct libusb_context *resolve(struct libusb_context *ctx) { return ctx ? ctx : &default_ctx; }

int libusb_init(libusb_context **out) {
  if (!out) {
    if (default_refs++ > 0 && default_ctx.fd >= 0) return 0;
    int rc = wire_connect(&default_ctx);
    if (rc) default_refs--;
    return rc;
  }
  struct libusb_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return LIBUSB_ERROR_NO_MEM;
  ctx->fd = -1;
  pthread_mutex_init(&ctx->lock, NULL);
  int rc = wire_connect(ctx);
  if (rc) {
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
    return rc;
  }
  *out = ctx;
  return 0;
}

void libusb_exit(libusb_context *ctx) {
  if (!ctx) {
    if (default_refs > 0 && --default_refs == 0) wire_disconnect(&default_ctx);
    return;
  }
  wire_disconnect(ctx);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx);
}

int libusb_set_option(libusb_context *ctx, enum libusb_option option, ...) {
  (void)ctx; (void)option;
  return LIBUSB_SUCCESS;
}

void libusb_set_debug(libusb_context *ctx, int level) { (void)ctx; (void)level; }

int libusb_has_capability(uint32_t capability) {
  return capability == LIBUSB_CAP_HAS_CAPABILITY;
}

const struct libusb_version *libusb_get_version(void) {
  static const struct libusb_version v = { 1, 0, 26, 0, "", "libusb-socket (USB bus over a Unix socket)" };
  return &v;
}

const char *libusb_error_name(int code) {
  switch (code) {
    case LIBUSB_SUCCESS: return "LIBUSB_SUCCESS";
    case LIBUSB_ERROR_IO: return "LIBUSB_ERROR_IO";
    case LIBUSB_ERROR_INVALID_PARAM: return "LIBUSB_ERROR_INVALID_PARAM";
    case LIBUSB_ERROR_ACCESS: return "LIBUSB_ERROR_ACCESS";
    case LIBUSB_ERROR_NO_DEVICE: return "LIBUSB_ERROR_NO_DEVICE";
    case LIBUSB_ERROR_NOT_FOUND: return "LIBUSB_ERROR_NOT_FOUND";
    case LIBUSB_ERROR_BUSY: return "LIBUSB_ERROR_BUSY";
    case LIBUSB_ERROR_TIMEOUT: return "LIBUSB_ERROR_TIMEOUT";
    case LIBUSB_ERROR_OVERFLOW: return "LIBUSB_ERROR_OVERFLOW";
    case LIBUSB_ERROR_PIPE: return "LIBUSB_ERROR_PIPE";
    case LIBUSB_ERROR_INTERRUPTED: return "LIBUSB_ERROR_INTERRUPTED";
    case LIBUSB_ERROR_NO_MEM: return "LIBUSB_ERROR_NO_MEM";
    case LIBUSB_ERROR_NOT_SUPPORTED: return "LIBUSB_ERROR_NOT_SUPPORTED";
    default: return "LIBUSB_ERROR_OTHER";
  }
}

const char *libusb_strerror(int code) { return libusb_error_name(code); }

/* ---- enumeration ---------------------------------------------------- */

static struct libusb_device *parse_device(struct libusb_context *ctx, const uint8_t *p, uint32_t left, uint32_t *used) {
  if (left < 8) return NULL;
  uint8_t nports = p[7];
  if (nports > MAX_PORTS || left < 8u + nports + LIBUSB_DT_DEVICE_SIZE + 2) return NULL;
  uint32_t at = 8 + nports;
  const uint8_t *dd = p + at;
  uint16_t cfg_len = get_u16(p + at + LIBUSB_DT_DEVICE_SIZE);
  at += LIBUSB_DT_DEVICE_SIZE + 2;
  if (left < at + cfg_len) return NULL;

  struct libusb_device *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->config = malloc(cfg_len ? cfg_len : 1);
  if (!d->config) { free(d); return NULL; }
  d->ctx = ctx;
  d->refs = 1;
  d->dev_id = get_u32(p);
  d->bus = p[4];
  d->address = p[5];
  d->speed = p[6];
  d->nports = nports;
  memcpy(d->ports, p + 8, nports);
  d->desc.bLength = dd[0];
  d->desc.bDescriptorType = dd[1];
  d->desc.bcdUSB = get_u16(dd + 2);
  d->desc.bDeviceClass = dd[4];
  d->desc.bDeviceSubClass = dd[5];
  d->desc.bDeviceProtocol = dd[6];
  d->desc.bMaxPacketSize0 = dd[7];
  d->desc.idVendor = get_u16(dd + 8);
  d->desc.idProduct = get_u16(dd + 10);
  d->desc.bcdDevice = get_u16(dd + 12);
  d->desc.iManufacturer = dd[14];
  d->desc.iProduct = dd[15];
  d->desc.iSerialNumber = dd[16];
  d->desc.bNumConfigurations = dd[17];
  memcpy(d->config, p + at, cfg_len);
  d->config_len = cfg_len;
  *used = at + cfg_len;
  return d;
}

ssize_t libusb_get_device_list(libusb_context *ctx_in, libusb_device ***list) {
  struct libusb_context *ctx = resolve(ctx_in);
  struct wire_reply r;
  int rc = wire_call(ctx, OP_LIST, NULL, 0, CALL_WAIT_MS, &r);
  if (rc) return rc;
  if (r.status < 0 || r.len < 1) { free(r.payload); return r.status < 0 ? r.status : LIBUSB_ERROR_IO; }
  int count = r.payload[0];
  libusb_device **devs = calloc((size_t)count + 1, sizeof *devs);
  if (!devs) { free(r.payload); return LIBUSB_ERROR_NO_MEM; }
  uint32_t at = 1;
  int n = 0;
  for (; n < count; n++) {
    uint32_t used = 0;
    devs[n] = parse_device(ctx, r.payload + at, r.len - at, &used);
    if (!devs[n]) break; /* truncated list: keep what parsed */
    at += used;
  }
  free(r.payload);
  *list = devs;
  return n;
}

void libusb_free_device_list(libusb_device **list, int unref_devices) {
  if (!list) return;
  if (unref_devices) for (int i = 0; list[i]; i++) libusb_unref_device(list[i]);
  free(list);
}

libusb_device *libusb_ref_device(libusb_device *dev) {
  if (dev) dev->refs++;
  return dev;
}

void libusb_unref_device(libusb_device *dev) {
  if (!dev || --dev->refs > 0) return;
  free(dev->config);
  free(dev);
}

int libusb_get_device_descriptor(libusb_device *dev, struct libusb_device_descriptor *desc) {
  *desc = dev->desc;
  return LIBUSB_SUCCESS;
}

uint8_t libusb_get_bus_number(libusb_device *dev) { return dev->bus; }
uint8_t libusb_get_device_address(libusb_device *dev) { return dev->address; }
uint8_t libusb_get_port_number(libusb_device *dev) { return dev->nports ? dev->ports[dev->nports - 1] : 0; }
int libusb_get_device_speed(libusb_device *dev) { return dev->speed; }
libusb_device *libusb_get_parent(libusb_device *dev) { (void)dev; return NULL; }

int libusb_get_port_numbers(libusb_device *dev, uint8_t *ports, int len) {
  if (len < dev->nports) return LIBUSB_ERROR_OVERFLOW;
  memcpy(ports, dev->ports, dev->nports);
  return dev->nports;
}

int libusb_get_config_descriptor(libusb_device *dev, uint8_t index, struct libusb_config_descriptor **config) {
  if (index != 0) return LIBUSB_ERROR_NOT_FOUND;
  return config_parse(dev->config, dev->config_len, config);
}

int libusb_get_active_config_descriptor(libusb_device *dev, struct libusb_config_descriptor **config) {
  return libusb_get_config_descriptor(dev, 0, config);
}

int libusb_get_config_descriptor_by_value(libusb_device *dev, uint8_t value, struct libusb_config_descriptor **config) {
  if (dev->config_len < LIBUSB_DT_CONFIG_SIZE || dev->config[5] != value) return LIBUSB_ERROR_NOT_FOUND;
  return libusb_get_config_descriptor(dev, 0, config);
}

void libusb_free_config_descriptor(struct libusb_config_descriptor *config) { config_free(config); }
