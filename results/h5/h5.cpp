#include "results/h5/h5.h"

namespace sweep::results {
namespace {

// Keeps the description of the first frame it is shown: walked upwards, the innermost one,
// the cause rather than the chain of callers.
herr_t keep_innermost(unsigned n, const H5E_error2_t* e, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (n == 0 && e->desc != nullptr) *s = e->desc;
  return 0;
}

}  // namespace

std::string hdf5_error_cause() {
  std::string cause;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &cause);
  return cause;
}

void throw_hdf5_failure(const std::string& what, const std::string& cause) {
  throw StoreError(what + ": HDF5 call failed" + (cause.empty() ? "" : " (" + cause + ")"));
}

void throw_hdf5_failure(const std::string& what) { throw_hdf5_failure(what, hdf5_error_cause()); }

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace sweep::results
