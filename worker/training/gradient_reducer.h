// Summing a model's gradients over the members of a trial group (ranks_per_trial > 1) while the
// backward pass runs, as PyTorch's DistributedDataParallel does: the trainable parameters are
// packed into buckets in the order backward produces their gradients (the reverse of the
// model's order); a hook on each parameter copies its gradient into its bucket, and a full
// bucket is started at once, so the sums of the last layers run while the first layers'
// gradients are still computed. Buckets start in the same order on every member whatever order
// the hooks come in, because a member must enter the same sums in the same order.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "worker/trial_group.h"

namespace sweep::worker {

class GradientReducer {
 public:
  // Buckets of about `bucket_bytes` over `params` (those the optimizer updates); registers a
  // gradient hook on each, which the destructor removes.
  GradientReducer(std::vector<torch::Tensor> params, TrialGroup& group,
                  std::size_t bucket_bytes = std::size_t{1} << 20);
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // Before a step's backward pass: empties the buckets.
  void begin();
  // After the backward pass (or without one: a member with no rows in the batch, or whose step
  // failed): starts the buckets not started yet, with zeros for the gradients that did not
  // come, waits for every sum, and sets each parameter's gradient to the sum over the members
  // (where no member had one, the gradient stays as zero_grad left it, as on one rank). Every
  // sum is waited for before anything that can throw (but GroupBroken) is done.
  void finish();

  std::size_t buckets() const { return buckets_.size(); }
  // Buckets whose sum a gradient hook started, inside a backward pass, since construction: the
  // overlap of sums with backward (finish() starts the rest).
  std::size_t started_in_backward() const { return started_in_backward_; }
  // Seconds finish() spent waiting for sums since construction.
  double wait_seconds() const { return wait_seconds_; }

 private:
  struct Bucket {
    std::vector<std::size_t> params;  // indices into params_
    std::vector<float> data;          // the gradients, then one "had a gradient" flag each
    std::size_t arrived = 0;
    std::unique_ptr<TrialGroup::PendingSum> pending;
  };
  void on_gradient(std::size_t param, const torch::Tensor& grad);
  void start_ready();  // starts the full buckets that are next in order

  std::vector<torch::Tensor> params_;
  std::vector<std::size_t> bucket_of_, offset_of_, flag_of_;  // per parameter
  std::vector<Bucket> buckets_;
  std::vector<unsigned> hooks_;
  TrialGroup& group_;
  std::size_t next_ = 0;  // the next bucket to start
  double wait_seconds_ = 0;
  std::size_t started_in_backward_ = 0;
};

}  // namespace sweep::worker
