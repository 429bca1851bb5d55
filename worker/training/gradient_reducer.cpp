#include "worker/training/gradient_reducer.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace sweep::worker {

GradientReducer::GradientReducer(std::vector<torch::Tensor> params, TrialGroup& group,
                                 std::size_t bucket_bytes)
    : params_(std::move(params)), group_(group) {
  bucket_of_.resize(params_.size());
  offset_of_.resize(params_.size());
  flag_of_.resize(params_.size());
  std::size_t bytes = bucket_bytes;  // starts a new bucket at the first parameter
  for (std::size_t k = params_.size(); k-- > 0;) {
    if (bytes >= bucket_bytes) {
      buckets_.emplace_back();
      bytes = 0;
    }
    Bucket& b = buckets_.back();
    bucket_of_[k] = buckets_.size() - 1;
    offset_of_[k] = b.data.size();
    const auto n = static_cast<std::size_t>(params_[k].numel());
    b.data.resize(b.data.size() + n);
    b.params.push_back(k);
    bytes += n * sizeof(float);
  }
  for (Bucket& b : buckets_) {  // one flag per parameter after the gradients
    for (std::size_t slot = 0; slot < b.params.size(); ++slot) {
      flag_of_[b.params[slot]] = b.data.size() + slot;
    }
    b.data.resize(b.data.size() + b.params.size());
  }
  for (std::size_t k = 0; k < params_.size(); ++k) {
    hooks_.push_back(
        params_[k].register_hook([this, k](const torch::Tensor& g) { on_gradient(k, g); }));
  }
  begin();
}

GradientReducer::~GradientReducer() {
  for (std::size_t k = 0; k < hooks_.size(); ++k) params_[k].remove_hook(hooks_[k]);
}

void GradientReducer::begin() {
  for (Bucket& b : buckets_) {
    std::fill(b.data.begin(), b.data.end(), 0.0f);
    b.arrived = 0;
    b.pending.reset();
  }
  next_ = 0;
}

void GradientReducer::on_gradient(std::size_t param, const torch::Tensor& grad) {
  Bucket& b = buckets_[bucket_of_[param]];
  torch::Tensor g = grad.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  std::memcpy(b.data.data() + offset_of_[param], g.data_ptr<float>(),
              static_cast<std::size_t>(g.numel()) * sizeof(float));
  b.data[flag_of_[param]] = 1.0f;
  ++b.arrived;
  const std::size_t before = next_;
  start_ready();
  started_in_backward_ += next_ - before;
  group_.progress();
}

void GradientReducer::start_ready() {
  while (next_ < buckets_.size() && buckets_[next_].arrived == buckets_[next_].params.size()) {
    Bucket& b = buckets_[next_++];
    b.pending = group_.start_sum(b.data.data(), b.data.size());
  }
}

void GradientReducer::finish() {
  for (; next_ < buckets_.size(); ++next_) {
    Bucket& b = buckets_[next_];
    b.pending = group_.start_sum(b.data.data(), b.data.size());
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (Bucket& b : buckets_) {
    if (b.pending) b.pending->wait();
    b.pending.reset();
  }
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  torch::NoGradGuard no_grad;
  for (std::size_t k = 0; k < params_.size(); ++k) {
    Bucket& b = buckets_[bucket_of_[k]];
    if (b.data[flag_of_[k]] == 0.0f) continue;  // no member had a gradient for it
    torch::Tensor& grad = params_[k].mutable_grad();
    torch::Tensor sum =
        torch::from_blob(b.data.data() + offset_of_[k], params_[k].sizes(), torch::kFloat32)
            .to(params_[k].device(), params_[k].scalar_type());
    if (grad.defined()) {
      grad.copy_(sum);
    } else {
      grad = sum.clone();
    }
  }
}

}  // namespace sweep::worker
