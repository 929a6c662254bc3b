/* A stand-in for libusb-1.0, loaded with LD_PRELOAD, that reaches a USB bus
 * served on the Unix socket named by $RIG_USB_SOCKET instead of the host's
 * USB controllers (wire protocol: src/protocol/usb-socket.md).
 * It covers the synchronous API: what dfu-util 0.11 calls, plus the usual
 * neighbours (string descriptors, open by VID/PID, configuration queries) so
 * another synchronous libusb program does not fall through to the real
 * library with our structures. Asynchronous transfers and hotplug are not
 * offered (libusb_has_capability says so). */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static struct libusb_context default_ctx = { .fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };
static int default_refs;

struct libusb_context *libusb_socket_default_context(void) { return &default_ctx; }

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
