// Writes a trial's state over and over, for the kill test of state files
// (tests/integration/kill_state.sh):
//   state_write_loop write PATH   saves epoch 1, 2, 3, ... to PATH, printing "saved E" after each
//   state_write_loop check PATH   loads PATH into a fresh model, checks that its weights are
//                                 those of the epoch it holds, prints that epoch
// The model's weights at epoch e are a function of e, so a state that mixed two saves, or was
// cut short, is caught: by the loader (header, length, checksum) or by the weights.
#include <cstdio>
#include <cstring>
#include <string>

#include "worker/config/train_config.h"
#include "worker/models/model.h"
#include "worker/training/optimizer.h"
#include "worker/training/training_state.h"

namespace {

using sweep::worker::Classifier;

constexpr std::uint64_t kTrial = 0x5eed5eed5eed0001ULL;

// A cnn whose state is a few megabytes, so that a kill often lands inside a write.
Classifier make_net() {
  sweep::worker::ModelConfig m;
  m.model = "cnn";
  m.filters = 32;
  m.dense_units = 512;
  return sweep::worker::make_model(m, {1, 28, 28, 10});
}

float weight_of(int epoch, std::size_t param) {
  return static_cast<float>(epoch) + 0.5f * static_cast<float>(param);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: state_write_loop write|check PATH\n");
    return 2;
  }
  const std::string mode = argv[1], path = argv[2];
  Classifier net = make_net();
  sweep::worker::TrainConfig c;
  c.optimizer = "sgd";
  auto opt = sweep::worker::make_optimizer(c, net->trainable_parameters(), 0.01);
  if (mode == "write") {
    for (int e = 1;; ++e) {
      torch::NoGradGuard no_grad;
      std::size_t i = 0;
      for (auto& p : net->parameters()) p.fill_(weight_of(e, i++));
      sweep::worker::TrainingState s;
      s.trial_id = kTrial;
      s.epoch = e;
      for (int k = 1; k <= e; ++k) {
        sweep::EpochMetrics m;
        m.epoch = k;
        s.epochs.push_back(m);
      }
      sweep::worker::save_state(path, *net, *opt, s);
      std::printf("saved %d\n", e);
      std::fflush(stdout);
    }
  }
  try {
    const sweep::worker::TrainingState s = sweep::worker::load_state(path, *net, *opt, kTrial);
    std::size_t i = 0;
    for (const auto& p : net->parameters()) {
      if (!torch::all(p == weight_of(s.epoch, i++)).item<bool>()) {
        std::fprintf(stderr, "%s: the weights are not those of epoch %d\n", path.c_str(), s.epoch);
        return 1;
      }
    }
    std::printf("%d\n", s.epoch);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
