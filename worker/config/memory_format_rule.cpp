#include "worker/config/memory_format_rule.h"

#include <sstream>
#include <stdexcept>

#include "worker/config/model_shape.h"

namespace sweep::worker {
namespace {

// LibTorch 1.13's oneDNN (Debian's libdnnl 2.7) corrupts the heap in channels-last 1x1
// stride-2 convolutions over fewer than 16 input channels at 48 pixels a side and more (probed
// over kernel, stride, channels and size; contiguous never fails). resnet's shortcuts are such
// convolutions when its first stage is narrower than this.
constexpr std::int64_t kNarrowestSafeChannels = 16;

bool narrow_resnet(const ModelConfig& m) {
  return m.model == "resnet" && resnet_widths(m.width)[0] < kNarrowestSafeChannels;
}

}  // namespace

bool channels_last_for(const ModelConfig& m) {
  if (m.memory_format == "contiguous") return false;
  if (m.memory_format == "channels_last") {
    if (narrow_resnet(m)) {
      std::ostringstream why;
      why << "key 'memory_format': channels_last with resnet width " << m.width
          << " (a first stage of " << resnet_widths(m.width)[0]
          << " channels) would crash: LibTorch 1.13's oneDNN corrupts memory in channels-last "
             "1x1 stride-2 convolutions over fewer than 16 channels; use width >= 0.25, or "
             "memory_format = auto or contiguous";
      throw std::invalid_argument(why.str());
    }
    return true;
  }
  if (m.memory_format != "auto") {
    throw std::invalid_argument("key 'memory_format': unknown value '" + m.memory_format +
                                "' (auto, contiguous or channels_last)");
  }
  // The CPU speed table of docs/benchmarks.md (tests/bench/cpu_speed.sh): channels-last trained cnn
  // and resnet (convolutions, pooling and batch norm all through) as fast or faster at every
  // measured size, 28 to 128 pixels, 1 or 3 channels, fp32 and bf16, 1 and 2 threads (within
  // 3% where it was not faster); vit (convolutions in its stem only) gained in some cells and
  // lost 13% in another, so it stays contiguous, as does a TorchScript backbone (the graph it
  // was exported with) and a resnet too narrow for channels-last (above).
  return m.model == "cnn" || (m.model == "resnet" && !narrow_resnet(m));
}

const char* memory_format_name(bool channels_last) {
  return channels_last ? "channels_last" : "contiguous";
}

}  // namespace sweep::worker
