/*
 * fileio.c - atomic replacement of a file: temporary file in the same folder,
 * fsync, rename (see include/ampsim/fileio.h).
 */
#include "ampsim/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/error.h"

/* Record "PATH: <strerror(err)>" as an AMPSIM_EIO failure. */
static int io_error(const char *path, int err)
{
  char text[256];

  if (strerror_r(err, text, sizeof text) != 0)
    snprintf(text, sizeof text, "error %d", err);
  return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, text);
}

/* The process umask without changing it (umask() can only be read by setting
 * it, which would race with other threads creating files): Linux shows it in
 * /proc/self/status; elsewhere assume the common 022. */
static mode_t current_umask(void)
{
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  mode_t mask = 022;

  if (status == NULL)
    return mask;
  while (fgets(line, sizeof line, status) != NULL) {
    if (strncmp(line, "Umask:", 6) == 0) {
      char *end;
      unsigned long value = strtoul(line + 6, &end, 8);
      if (end != line + 6)
        mask = (mode_t)(value & 0777);
      break;
    }
  }
  fclose(status);
  return mask;
}

/* Permission bits for the new file: those of the regular file it replaces,
 * else what fopen() would give a new file. */
static mode_t new_file_mode(const char *path)
{
  struct stat st;

  if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
    return st.st_mode & 07777;
  return 0666 & ~current_umask();
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
  while (len > 0) {
    ssize_t written = write(fd, data, len);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    data += written;
    len -= (size_t)written;
  }
  return 0;
}

/* Make the rename itself durable. Best effort: some file systems refuse
 * fsync on a folder, and the data is already safe either way. */
static void sync_folder(const char *folder)
{
  int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  (void)fsync(fd);
  close(fd);
}

int ampsim_file_write_atomic(const char *path, const void *data, size_t len)
{
  static const char suffix[] = ".tmp-XXXXXX";
  const char *slash;
  const char *base;
  size_t folder_len;
  char *temp = NULL;
  char *folder = NULL;
  int fd = -1;
  int closing;
  int created = 0;
  int rc = 0;

  if (path == NULL || path[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "write: no file name given");
  if (data == NULL && len > 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s: no data to write", path);

  slash = strrchr(path, '/');
  base = slash != NULL ? slash + 1 : path;
  folder_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
  if (base[0] == '\0')
    return io_error(path, EISDIR);

  /* "<folder>/.<name>.tmp-XXXXXX": hidden, and in the same folder so that
   * rename() stays within one file system and is atomic. */
  temp = malloc(folder_len + 1 + strlen(base) + sizeof suffix);
  folder = malloc(folder_len + 2);
  if (temp == NULL || folder == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "%s: out of memory", path);
    goto done;
  }
  memcpy(temp, path, folder_len);
  temp[folder_len] = '.';
  strcpy(temp + folder_len + 1, base);
  strcat(temp, suffix);
  if (folder_len > 0) {
    memcpy(folder, path, folder_len);
    folder[folder_len] = '\0';
  } else {
    strcpy(folder, ".");
  }

  fd = mkstemp(temp);
  if (fd < 0) {
    rc = io_error(path, errno);
    goto done;
  }
  created = 1;
  if (fchmod(fd, new_file_mode(path)) != 0 || write_all(fd, data, len) != 0 ||
      fsync(fd) != 0) {
    rc = io_error(path, errno);
    goto done;
  }
  closing = fd;
  fd = -1;
  if (close(closing) != 0) {
    rc = io_error(path, errno);
    goto done;
  }
  if (rename(temp, path) != 0) {
    rc = io_error(path, errno);
    goto done;
  }
  created = 0;
  sync_folder(folder);

done:
  if (fd >= 0)
    close(fd);
  if (created)
    unlink(temp);
  free(folder);
  free(temp);
  return rc;
}
