#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages sweep needs, skipping those already installed.
#   jobscripts/install-deps.sh            # build, run and test dependencies
#   SWEEP_EXTRA_PACKAGES="python3-torch" jobscripts/install-deps.sh   # plus extras (benchmarks)
# Runs apt-get as root, or through sudo when started as another user.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libopenmpi-dev openmpi-bin          # Open MPI
  libtorch-dev                        # LibTorch 1.13 (CPU)
  libopenblas0-openmp                 # fast BLAS for LibTorch (the reference BLAS is ~15x slower)
  libhdf5-dev                         # HDF5 results files
  libboost-program-options-dev        # command line and grid files
  libgtest-dev                        # unit tests
  zlib1g-dev                          # gzip-compressed IDX files
  libturbojpeg0-dev libpng-dev        # retina images: JPEG (decoded at 1/2-1/8 scale) and PNG
  nlohmann-json3-dev                  # sweep export --format json
  python3-plotly                      # plotly.js, embedded in sweep report pages at build time
  esbuild                             # minifies that plotly.js (8.6 MB -> 3.8 MB) at build time
  dataset-fashion-mnist               # the default data set, /usr/share/datasets/fashion-mnist
  python3-h5py                        # the tests read results files the way Python users do
  python3-optuna                      # the test that holds sweep's TPE to Optuna 3.1's scores
  slurm-wlm munge                     # the job-script test starts a local Slurm (../shared/slurm)
  chromium fonts-dejavu-core          # the report test renders the page in headless Chromium
  clang libclang-rt-14-dev            # libFuzzer targets with ASan/UBSan (tests/fuzz/run.sh)
)
# shellcheck disable=SC2206
packages+=(${SWEEP_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
