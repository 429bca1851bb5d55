// The optimizer a trial names (adam, adamw, sgd) over a model's trainable parameters.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "worker/config/train_config.h"

namespace sweep::worker {

// Adam (weight_decay as an L2 penalty), AdamW (decoupled weight_decay) or SGD (momentum,
// nesterov, weight_decay), at learning rate `lr`. Throws std::invalid_argument on an unknown
// optimizer name.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& c,
                                                        std::vector<torch::Tensor> params,
                                                        double lr);

// Sets the learning rate of every parameter group of `opt`.
void set_learning_rate(torch::optim::Optimizer& opt, double lr);

// Drops the gradients of `opt`'s parameters (PyTorch's zero_grad(set_to_none=True)): the next
// backward pass stores its gradients instead of adding them to zeros, which gives the same
// values without filling and adding a buffer per parameter and step.
void clear_gradients(torch::optim::Optimizer& opt);

}  // namespace sweep::worker
