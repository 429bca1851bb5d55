#!/usr/bin/env bash
# sweep warns at start when LibTorch's GEMM goes to the slow reference BLAS, and not otherwise.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
REF=/usr/lib/x86_64-linux-gnu/blas
[ -f "$REF/libblas.so.3" ] || skip "the reference BLAS (Debian package libblas3) is not installed at $REF"
printf 'epochs = 1\ntrain_subset = 100\nfilters = 2\ndense_units = 4\n' > w.ini
LD_LIBRARY_PATH=$REF "$SWEEP" run w.ini --out ref.h5 > ref.log 2>&1 || { cat ref.log; fail "run with the reference BLAS"; }
grep -qF "warning: LibTorch's BLAS is $REF/libblas.so.3" ref.log || { cat ref.log; fail "no warning with the reference BLAS"; }
"$SWEEP" run w.ini --out fast.h5 > fast.log 2>&1 || { cat fast.log; fail "run"; }
if grep -q "warning: LibTorch's BLAS" fast.log; then
  if update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep -q "^Value: .*openblas"; then
    cat fast.log; fail "warning although libblas.so.3 points to OpenBLAS"
  fi
  skip "this machine's libblas.so.3 alternative is not OpenBLAS, so the warning is right here"
fi
echo "blas_warning: warned with $REF, silent with OpenBLAS"
