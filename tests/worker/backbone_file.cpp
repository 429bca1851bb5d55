#include "backbone_file.h"

#include <torch/script.h>

namespace sweep::test {

void write_backbone(const std::string& path) {
  torch::jit::Module m("Backbone");
  torch::manual_seed(1);
  m.register_parameter("weight", torch::randn({16, 3, 3, 3}) * 0.3, false);
  m.register_parameter("bn_weight", torch::ones({16}), false);
  m.register_parameter("bn_bias", torch::zeros({16}), false);
  m.register_buffer("running_mean", torch::zeros({16}));
  m.register_buffer("running_var", torch::ones({16}));
  m.register_attribute("training", c10::BoolType::get(), true);
  m.define(R"(
    def forward(self, x):
        y = torch.conv2d(x, self.weight, None, [1, 1], [1, 1])
        y = torch.batch_norm(y, self.bn_weight, self.bn_bias, self.running_mean,
                             self.running_var, self.training, 0.1, 1e-5, False)
        return torch.adaptive_avg_pool2d(torch.relu(y), [2, 2]).flatten(1)
  )");
  m.save(path);
}

}  // namespace sweep::test
