#ifndef CWHARF_LINUX_H
#define CWHARF_LINUX_H

/// Starts writeback of a file range without waiting for it (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE), so a later fsync has little left to do. Returns 0 or -1 (errno set);
/// a no-op returning 0 where the call does not exist.
int wharf_start_writeback(int fd, long long offset, long long length);

/// Swaps two paths in one step (Linux renameat2 with RENAME_EXCHANGE): a restore puts the new
/// data directory in place and the old one aside atomically. Returns 0 or -1 (errno set; ENOSYS
/// or EINVAL where the kernel or filesystem cannot).
int wharf_exchange_paths(const char *first, const char *second);

#endif
