/* The client end of the socket: connect, send one framed request, wait for
 * the response with the same seq. Short reads/writes and EINTR are retried;
 * a closed or broken socket marks the context disconnected (never SIGPIPE:
 * the host program must not die because the bus went away). */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wire_connect(struct libusb_context *ctx) {
  const char *path = getenv("RIG_USB_SOCKET");
  if (!path || !*path) {
    fprintf(stderr, "libusb-socket: RIG_USB_SOCKET is not set (the path of the USB bus socket)\n");
    return LIBUSB_ERROR_OTHER;
  }
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(path) >= sizeof addr.sun_path) {
    fprintf(stderr, "libusb-socket: RIG_USB_SOCKET path is too long: %s\n", path);
    return LIBUSB_ERROR_INVALID_PARAM;
  }
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return LIBUSB_ERROR_NO_MEM;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    fprintf(stderr, "libusb-socket: cannot reach the USB bus at %s: %s\n", path, strerror(errno));
    close(fd);
    return LIBUSB_ERROR_IO;
  }
  ctx->fd = fd;
  ctx->seq = 0;

  uint8_t hello[2];
  put_u16(hello, WIRE_VERSION);
  struct wire_reply r;
  int rc = wire_call(ctx, OP_HELLO, hello, 2, 5000, &r);
  if (rc == 0) {
    free(r.payload);
    if (r.status < 0) {
      fprintf(stderr, "libusb-socket: the bus at %s does not speak protocol version %d\n", path, WIRE_VERSION);
      rc = LIBUSB_ERROR_NOT_SUPPORTED;
    }
  } else {
    fprintf(stderr, "libusb-socket: the bus at %s did not answer HELLO\n", path);
  }
  if (rc != 0) wire_disconnect(ctx);
  return rc;
}

void wire_disconnect(struct libusb_context *ctx) {
  if (ctx->fd >= 0) close(ctx->fd);
  ctx->fd = -1;
}

static int send_all(int fd, const uint8_t *buf, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads exactly n bytes before the deadline: 0, -1 broken, -2 timed out. */
static int recv_all(int fd, uint8_t *buf, size_t n, long long deadline) {
  while (n > 0) {
    long long left = deadline - now_ms();
    if (left <= 0) return -2;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int pr = poll(&p, 1, (int)left);
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) return -1;
    if (pr == 0) return -2;
    ssize_t r = recv(fd, buf, n, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) return -1;
    buf += r;
    n -= (size_t)r;
  }
  return 0;
}

int wire_call(struct libusb_context *ctx, uint8_t op, const uint8_t *payload, uint32_t len,
              unsigned wait_ms, struct wire_reply *reply) {
  int rc = LIBUSB_ERROR_IO;
  pthread_mutex_lock(&ctx->lock);
  if (ctx->fd < 0) goto out;

  uint32_t seq = ++ctx->seq;
  uint8_t head[9];
  put_u32(head, 5 + len);
  put_u32(head + 4, seq);
  head[8] = op;
  if (send_all(ctx->fd, head, sizeof head) || (len && send_all(ctx->fd, payload, len))) {
    wire_disconnect(ctx);
    goto out;
  }

  long long deadline = now_ms() + wait_ms;
  for (;;) {
    uint8_t rhead[12];
    int r = recv_all(ctx->fd, rhead, sizeof rhead, deadline);
    if (r == -2) { rc = LIBUSB_ERROR_TIMEOUT; goto out; }
    uint32_t body = get_u32(rhead);
    if (r < 0 || body < 8 || body > MAX_BODY) { wire_disconnect(ctx); goto out; }
    uint32_t plen = body - 8;
    uint8_t *p = malloc(plen ? plen : 1);
    if (!p) { wire_disconnect(ctx); rc = LIBUSB_ERROR_NO_MEM; goto out; }
    /* Once a header has arrived the rest follows at once; a stall here means a broken peer. */
    if (plen && recv_all(ctx->fd, p, plen, now_ms() + 5000) != 0) {
      free(p);
      wire_disconnect(ctx);
      goto out;
    }
    if (get_u32(rhead + 4) != seq) { free(p); continue; } /* late answer to a call that timed out */
    reply->status = (int32_t)get_u32(rhead + 8);
    reply->payload = p;
    reply->len = plen;
    rc = 0;
    break;
  }
out:
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}
