// Process-level settings of LibTorch: threads and the BLAS check.
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <malloc.h>

#include "worker/worker.h"

namespace sweep::worker {

void configure_runtime(int threads) {
  // Training allocates and frees the same few-MB activation buffers every batch. glibc's
  // default serves them with mmap/munmap and gives freed heap back to the kernel, so every
  // batch page-faults its buffers in again: measured 387k minor faults and 2.6x the time for a
  // small trial. Keeping them in the heap removes that.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  at::set_num_threads(std::max(1, threads));
  try {
    at::set_num_interop_threads(1);
  } catch (const std::exception&) {
    // Already set (it may be set only once per process): keep the earlier value.
  }
}

std::string blas_warning() {
  for (const char* sym : {"openblas_get_config", "bli_info_get_version_str", "mkl_get_version"}) {
    if (dlsym(RTLD_DEFAULT, sym) != nullptr) return "";
  }
  return "warning: LibTorch is using the reference BLAS (no OpenBLAS, BLIS or MKL found); "
         "dense layers run ~15x slower. Install libopenblas0-openmp (Debian) or point the "
         "libblas.so.3 alternative at an optimized BLAS.";
}

}  // namespace sweep::worker
