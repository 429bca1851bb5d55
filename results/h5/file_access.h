// How a results file is opened: one writer at a time (an advisory lock), the writer in HDF5's
// single-writer/multiple-reader (SWMR) mode so that the file on disk is consistent after every
// flush, and readers that work on a file that is being written or whose writer was killed.
#pragma once

#include <string>

#include "results/h5/h5.h"

namespace sweep::results {

// An exclusive advisory lock (an open-file-description fcntl lock on a byte far past the
// data, so it never meets HDF5's own flock) held for as long as this object lives; released
// by the destructor or by the death of the process, `kill -9` included.
class WriterLock {
 public:
  // Locks the existing file `path`. Throws StoreLockedError naming the file when another
  // process holds the lock (another sweep is writing it), StoreError when it cannot be opened.
  static WriterLock acquire(const std::string& path);
  WriterLock() = default;
  ~WriterLock();
  WriterLock(WriterLock&& o) noexcept;
  WriterLock& operator=(WriterLock&& o) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Creates a new empty HDF5 file in the 1.10 format (the oldest that supports SWMR), with
// paged file space of 4 KiB pages so that no metadata block smaller than a page straddles two
// pages of the page cache, where kill -9 could cut its write in two. Throws StoreError when it
// exists or cannot be created.
Handle create_file(const std::string& path);

// Publishes the finished file `part` under `path` at once (a hard link, then `part` removed);
// never replaces an existing `path`. Throws StoreError when `path` exists or on failure.
void publish_file(const std::string& part, const std::string& path);

// Opens `path` for writing, in SWMR mode (from here on, each flush leaves the file readable
// by SWMR readers whatever happens next), while the caller holds its WriterLock. A file left
// behind by a killed writer still carries HDF5's "open for writing" marks and may record too small
// an end of file; both are repaired here (what `h5clear -s -i` does), which is safe because the
// lock proves no writer is alive, and *recovered says so. Throws StoreError.
Handle open_file_for_append(const std::string& path, bool* recovered);

// Opens `path` read-only: as a plain HDF5 file when it was closed cleanly, otherwise as a
// SWMR reader (a sweep is writing it, or its writer was killed), which rereads a metadata
// block whose checksum is wrong for about 1 s before it gives up. Throws StoreError when
// neither open works; reads of a damaged block fail later with StoreError rather than hang.
Handle open_file_for_read(const std::string& path);

}  // namespace sweep::results
