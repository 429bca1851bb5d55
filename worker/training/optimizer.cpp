#include "worker/training/optimizer.h"

#include <stdexcept>

namespace sweep::worker {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& c,
                                                        std::vector<torch::Tensor> params,
                                                        double lr) {
  if (c.optimizer == "adam") {
    return std::make_unique<torch::optim::Adam>(
        std::move(params), torch::optim::AdamOptions(lr).weight_decay(c.weight_decay));
  }
  if (c.optimizer == "adamw") {
    return std::make_unique<torch::optim::AdamW>(
        std::move(params), torch::optim::AdamWOptions(lr).weight_decay(c.weight_decay));
  }
  if (c.optimizer == "sgd") {
    return std::make_unique<torch::optim::SGD>(std::move(params),
                                               torch::optim::SGDOptions(lr)
                                                   .momentum(c.momentum)
                                                   .nesterov(c.nesterov && c.momentum > 0)
                                                   .weight_decay(c.weight_decay));
  }
  throw std::invalid_argument("key 'optimizer': unknown optimizer '" + c.optimizer + "'");
}

void set_learning_rate(torch::optim::Optimizer& opt, double lr) {
  for (auto& group : opt.param_groups()) group.options().set_lr(lr);
}

void clear_gradients(torch::optim::Optimizer& opt) {
  for (auto& group : opt.param_groups()) {
    for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
  }
}

}  // namespace sweep::worker
