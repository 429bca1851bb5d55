// RAII ownership of HDF5 identifiers and one checking wrapper: every HDF5 call in results/
// goes through check() or an owning Handle, and failures become StoreError.
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

#include "core/errors.h"

namespace sweep::results {

// Throws StoreError("what: HDF5 call failed (CAUSE)"), CAUSE being the innermost entry of
// HDF5's error stack for the failed call, such as "incorrect metadata checksum after all read
// attempts".
[[noreturn]] void throw_hdf5_failure(const std::string& what);

// The same with a CAUSE taken earlier by hdf5_error_cause(), for callers that make other HDF5
// calls (which clear the stack) before they throw.
[[noreturn]] void throw_hdf5_failure(const std::string& what, const std::string& cause);

// The innermost description on HDF5's error stack of this thread, "" when it is empty. Never
// throws an HDF5 error.
std::string hdf5_error_cause();

// Throws through throw_hdf5_failure(what) when `status` is negative; returns it otherwise.
template <typename T>
T check(T status, const std::string& what) {
  if (status < 0) throw_hdf5_failure(what);
  return status;
}

// Owns one hid_t and closes it with the matching H5*close in the destructor (never throws).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  // Takes ownership of `id`; throws StoreError(what) when id is negative.
  Handle(hid_t id, Closer closer, const std::string& what)
      : id_(check(id, what)), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Turns off HDF5's own printing of error stacks; errors reach the user as StoreError text.
void silence_hdf5_errors();

}  // namespace sweep::results
