#include "results/h5/file_access.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sweep::results {
namespace {

// The locked byte: far beyond any data, so that readers and HDF5 never touch it.
constexpr off_t kLockOffset = off_t{1} << 62;

// The file space page: the size of a page of the operating system's page cache. A write that
// spans two such pages can be cut between them by kill -9 (the kernel checks for a fatal signal
// before each page it copies), leaving a metadata block half new, half old, and its checksum
// wrong for good. HDF5's paged aggregation never lets a metadata block smaller than a page cross
// a page boundary.
constexpr hsize_t kPageBytes = 4096;

// How often a SWMR reader reads a metadata block whose checksum fails before giving up.
constexpr unsigned kReadAttempts = 30;

// A file access property list in the 1.10 format.
Handle v110_access() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST), "set format version");
  return fapl;
}

}  // namespace

WriterLock WriterLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw StoreError(path + ": cannot open for writing: " + std::strerror(errno));
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = kLockOffset;
  fl.l_len = 1;
  if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EAGAIN || err == EACCES) {
      throw StoreLockedError(path +
                             ": another sweep is writing this file right now; wait for it to end "
                             "or choose another --out");
    }
    // File systems without fcntl locks: go on unlocked rather than refuse to work.
    if (err != ENOLCK && err != EINVAL && err != EOPNOTSUPP) {
      throw StoreError(path + ": cannot lock: " + std::strerror(err));
    }
    return WriterLock();
  }
  return WriterLock(fd);
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases the lock
}
WriterLock::WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
WriterLock& WriterLock::operator=(WriterLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

Handle create_file(const std::string& path) {
  Handle fapl = v110_access();
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file creation list");
  check(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_PAGE, 0, 1),
        "set paged file space");
  check(H5Pset_file_space_page_size(fcpl.get(), kPageBytes), "set file space page size");
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), H5Fclose,
                path + ": cannot create");
}

void publish_file(const std::string& part, const std::string& path) {
  if (::link(part.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(part.c_str());
    throw StoreError(path + (err == EEXIST
                                 ? std::string(": already exists")
                                 : ": cannot create: " + std::string(std::strerror(err))));
  }
  ::unlink(part.c_str());
}

Handle open_file_for_append(const std::string& path, bool* recovered) {
  Handle fapl = v110_access();
  *recovered = false;
  // Opened straight into SWMR writing, so that at no moment the file is marked as open by a
  // plain writer (which SWMR readers refuse).
  const unsigned mode = H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE;
  hid_t f = H5Fopen(path.c_str(), mode, fapl.get());
  if (f >= 0) return Handle(f, H5Fclose, path);
  // Not closed cleanly. HDF5's own name for what `h5clear -s` does, set through the public
  // property interface, clears the marks.
  hbool_t clear = 1;
  check(H5Pset(fapl.get(), "clear_status_flags", &clear), "set clear_status_flags");
  Handle h(H5Fopen(path.c_str(), mode, fapl.get()), H5Fclose, path + ": cannot open for writing");
  // The superblock may record an end of file older than space the killed writer had already
  // handed out (SWMR readers do not mind; a plain open does): move it past both, as
  // `h5clear -i` does. The margin is larger than anything one append allocates.
  check(H5Fincrement_filesize(h.get(), hsize_t{1} << 20), path + ": recover the end of file");
  *recovered = true;
  return h;
}

Handle open_file_for_read(const std::string& path) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f >= 0) return Handle(f, H5Fclose, path);
  // A SWMR reader retries a metadata block whose checksum fails (the writer may be halfway
  // through writing it), sleeping 1 ns, 2 ns, 4 ns, ... in between. HDF5's default of 100 tries
  // makes a block that is damaged for good hang the reader for ever; 30 tries wait about 1 s
  // in all, far longer than a live writer takes to finish writing a block.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  check(H5Pset_metadata_read_attempts(fapl.get(), kReadAttempts), "set metadata read attempts");
  return Handle(
      H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl.get()), H5Fclose,
      path + ": cannot open (not readable as HDF5, neither plainly nor as a SWMR reader)");
}

}  // namespace sweep::results
