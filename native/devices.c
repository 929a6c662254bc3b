/* Enumeration in the libusb stand-in: LIST on the bus becomes libusb_device
 * objects (reference counted, as libusb's), each carrying its place on the
 * bus, its device descriptor and its raw configuration bundle. */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CALL_WAIT_MS 10000

static struct libusb_context *resolve(struct libusb_context *ctx) { return ctx ? ctx : libusb_socket_default_context(); }

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
