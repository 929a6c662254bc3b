/* Prepares PTY masters, inherited as fds 3, 4, ... (argv[1] of them, default
 * one), as simulated USB CDC ports and prints each slave's path on a line.
 * The simulator runs it when it needs ports for boards that (re)appear, a
 * few at a time; it does what Node cannot do itself (unlockpt, ptsname, ioctl):
 * - unlock the slave and find its number;
 * - packet mode on the master, so each termios change the host makes on the
 *   slave arrives as a status byte (the line-speed mode switch);
 * - raw mode with EXTPROC on the line (EXTPROC makes Linux send that status
 *   byte; raw keeps YMODEM's binary intact), at 9600 baud (IDLE_BAUD).
 * termios on a pty master is the slave's termios on Linux. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

static int fail(const char *what) {
  perror(what);
  return 1;
}

static int setup(int fd) {
  int unlock = 0, packet = 1;
  unsigned int n = 0;
  struct termios t;
  if (ioctl(fd, TIOCSPTLCK, &unlock) < 0) return fail("TIOCSPTLCK");
  if (ioctl(fd, TIOCGPTN, &n) < 0) return fail("TIOCGPTN");
  if (ioctl(fd, TIOCPKT, &packet) < 0) return fail("TIOCPKT");
  if (tcgetattr(fd, &t) < 0) return fail("tcgetattr");
  t.c_iflag = 0;
  t.c_oflag = 0;
  t.c_cflag = (t.c_cflag & ~(CSIZE | PARENB | CSTOPB)) | CS8 | CREAD | CLOCAL;
  t.c_lflag = EXTPROC;
  cfsetispeed(&t, B9600);
  cfsetospeed(&t, B9600);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (tcsetattr(fd, TCSANOW, &t) < 0) return fail("tcsetattr");
  printf("/dev/pts/%u\n", n);
  return 0;
}

int main(int argc, char **argv) {
  const int count = argc > 1 ? atoi(argv[1]) : 1;
  if (count < 1 || count > 64) {
    fputs("usage: pty-setup [count 1-64]\n", stderr);
    return 2;
  }
  for (int i = 0; i < count; i++) {
    if (setup(3 + i) != 0) return 1;
  }
  return 0;
}
