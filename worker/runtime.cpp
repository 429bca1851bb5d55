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
  // The library that LibTorch's GEMM calls reach is the first in load order that defines
  // sgemm_; OpenBLAS may be loaded too (through LAPACK) without being the one used.
  void* gemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (gemm == nullptr || dladdr(gemm, &info) == 0 || info.dli_fname == nullptr) return "";
  void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  bool fast = false;
  for (const char* sym : {"openblas_get_config", "bli_info_get_version_str", "mkl_get_version"}) {
    if (lib != nullptr && dlsym(lib, sym) != nullptr) fast = true;
  }
  if (lib != nullptr) dlclose(lib);
  if (fast) return "";
  return std::string("warning: LibTorch's BLAS is ") + info.dli_fname +
         ", not OpenBLAS, BLIS or MKL; the reference BLAS runs dense layers ~15x slower. "
         "Install libopenblas0-openmp (Debian) or point the libblas.so.3 alternative at an "
         "optimized BLAS.";
}

}  // namespace sweep::worker
