/* Parses a configuration descriptor bundle (as GET_DESCRIPTOR returns it)
 * into libusb's nested structures, the way libusb does: interfaces in order
 * of first appearance, alt settings under them, endpoints under those, and
 * every other descriptor (DFU functional, CDC functional, IAD) kept as
 * "extra" bytes of the level it follows. Everything is freed by config_free. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Appends desc to a growing extra buffer. */
static int add_extra(const unsigned char **extra, int *extra_len, const uint8_t *desc, int n) {
  unsigned char *grown = realloc((void *)*extra, (size_t)(*extra_len + n));
  if (!grown) return -1;
  memcpy(grown + *extra_len, desc, (size_t)n);
  *extra = grown;
  *extra_len += n;
  return 0;
}

int config_parse(const uint8_t *raw, size_t len, struct libusb_config_descriptor **out) {
  if (len < LIBUSB_DT_CONFIG_SIZE || raw[1] != LIBUSB_DT_CONFIG) return LIBUSB_ERROR_IO;
  struct libusb_config_descriptor *c = calloc(1, sizeof *c);
  if (!c) return LIBUSB_ERROR_NO_MEM;
  c->bLength = raw[0];
  c->bDescriptorType = raw[1];
  c->wTotalLength = get_u16(raw + 2);
  c->bNumInterfaces = raw[4];
  c->bConfigurationValue = raw[5];
  c->iConfiguration = raw[6];
  c->bmAttributes = raw[7];
  c->MaxPower = raw[8];

  int nifs = c->bNumInterfaces;
  struct libusb_interface *ifs = calloc(nifs ? (size_t)nifs : 1, sizeof *ifs);
  int numbers[256];
  int known = 0;
  c->interface = ifs;
  if (!ifs) { config_free(c); return LIBUSB_ERROR_NO_MEM; }

  int cur_if = -1, cur_ep = -1;
  size_t end = c->wTotalLength < len ? c->wTotalLength : len;
  for (size_t p = raw[0]; p + 2 <= end; p += raw[p]) {
    int dlen = raw[p];
    if (dlen < 2 || p + (size_t)dlen > end) break; /* malformed: stop where libusb would */
    const uint8_t *d = raw + p;
    if (d[1] == LIBUSB_DT_INTERFACE && dlen >= LIBUSB_DT_INTERFACE_SIZE) {
      int slot = -1;
      for (int i = 0; i < known; i++) if (numbers[i] == d[2]) slot = i;
      if (slot < 0) {
        if (known >= nifs) break; /* more interfaces than bNumInterfaces says */
        slot = known;
        numbers[known++] = d[2];
      }
      struct libusb_interface *ui = &ifs[slot];
      struct libusb_interface_descriptor *alts =
          realloc((void *)ui->altsetting, (size_t)(ui->num_altsetting + 1) * sizeof *alts);
      if (!alts) { config_free(c); return LIBUSB_ERROR_NO_MEM; }
      ui->altsetting = alts;
      struct libusb_interface_descriptor *a = &alts[ui->num_altsetting++];
      memset(a, 0, sizeof *a);
      a->bLength = d[0];
      a->bDescriptorType = d[1];
      a->bInterfaceNumber = d[2];
      a->bAlternateSetting = d[3];
      a->bInterfaceClass = d[5];
      a->bInterfaceSubClass = d[6];
      a->bInterfaceProtocol = d[7];
      a->iInterface = d[8];
      cur_if = slot;
      cur_ep = -1;
      continue;
    }
    struct libusb_interface_descriptor *a =
        cur_if >= 0 ? (struct libusb_interface_descriptor *)&ifs[cur_if].altsetting[ifs[cur_if].num_altsetting - 1] : NULL;
    int ok = 0;
    if (d[1] == LIBUSB_DT_ENDPOINT && dlen >= LIBUSB_DT_ENDPOINT_SIZE && a) {
      struct libusb_endpoint_descriptor *eps =
          realloc((void *)a->endpoint, (size_t)(a->bNumEndpoints + 1) * sizeof *eps);
      if (!eps) { config_free(c); return LIBUSB_ERROR_NO_MEM; }
      a->endpoint = eps;
      struct libusb_endpoint_descriptor *e = &eps[a->bNumEndpoints];
      memset(e, 0, sizeof *e);
      e->bLength = d[0];
      e->bDescriptorType = d[1];
      e->bEndpointAddress = d[2];
      e->bmAttributes = d[3];
      e->wMaxPacketSize = get_u16(d + 4);
      e->bInterval = d[6];
      if (dlen >= LIBUSB_DT_ENDPOINT_AUDIO_SIZE) { e->bRefresh = d[7]; e->bSynchAddress = d[8]; }
      cur_ep = a->bNumEndpoints++;
    } else if (a && cur_ep >= 0) {
      struct libusb_endpoint_descriptor *e = (struct libusb_endpoint_descriptor *)&a->endpoint[cur_ep];
      ok = add_extra(&e->extra, &e->extra_length, d, dlen);
    } else if (a) {
      ok = add_extra(&a->extra, &a->extra_length, d, dlen);
    } else {
      ok = add_extra(&c->extra, &c->extra_length, d, dlen);
    }
    if (ok != 0) { config_free(c); return LIBUSB_ERROR_NO_MEM; }
  }
  c->bNumInterfaces = (uint8_t)known;
  *out = c;
  return LIBUSB_SUCCESS;
}

void config_free(struct libusb_config_descriptor *c) {
  if (!c) return;
  struct libusb_interface *ifs = (struct libusb_interface *)c->interface;
  for (int i = 0; ifs && i < c->bNumInterfaces; i++) {
    for (int j = 0; j < ifs[i].num_altsetting; j++) {
      struct libusb_interface_descriptor *a = (struct libusb_interface_descriptor *)&ifs[i].altsetting[j];
      for (int k = 0; k < a->bNumEndpoints; k++) free((void *)a->endpoint[k].extra);
      free((void *)a->endpoint);
      free((void *)a->extra);
    }
    free((void *)ifs[i].altsetting);
  }
  free(ifs);
  free((void *)c->extra);
  free(c);
}
