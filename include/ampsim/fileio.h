/*
 * ampsim/fileio.h - writing result files so that a reader never sees half of
 * one.
 */
#ifndef AMPSIM_FILEIO_H
#define AMPSIM_FILEIO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Replace the file at `path` by `len` bytes of `data`, atomically: the bytes
 * go to a new temporary file in the same folder (".NAME.tmp-XXXXXX", made with
 * mkstemp), which is flushed to disk (fsync) and then renamed over `path`.
 * A run killed at any moment leaves either the old file or the complete new
 * one at `path`, never a partial one (a kill during the write may leave the
 * temporary file behind; nothing else does).
 *
 * The new file gets the permission bits of the file it replaces, or, for a
 * new file, 0666 minus the process umask (as fopen() would). A symbolic link
 * at `path` is replaced by the file, not followed.
 *
 * data may be NULL when len is 0 (an empty file). Returns 0, AMPSIM_EINVAL
 * (NULL or empty path), AMPSIM_ENOMEM, or AMPSIM_EIO with the message
 * "PATH: <strerror(errno)>"; on any error the temporary file is removed and
 * `path` is untouched.
 */
int ampsim_file_write_atomic(const char *path, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
