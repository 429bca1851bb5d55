// Helpers shared by the store's tests (store_test.cpp, store_kill_test.cpp).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/keys.h"
#include "core/trial.h"

namespace sweep::results {

// A fresh folder's path for a file `name`.
inline std::string temp_path(const std::string& name) {
  std::string tmpl = "/tmp/sweep-store-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl + "/" + name;
}

// A spec of every key at its default, filters = `filters`.
inline TrialSpec spec_with(std::uint64_t id, const std::string& filters) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys())
    s.params.emplace_back(k.name, k.name == "filters" ? filters : k.default_value);
  return s;
}

// An ok result with every kind of field and detail set.
inline TrialResult ok_result(std::uint64_t id) {
  TrialResult r;
  r.trial_id = id;
  r.status = Status::kOk;
  r.epochs = {{1, 0.9, 0.7, 0.8, 0.75, 2.0}, {2, 0.5, 0.85, 0.6, 0.8, 2.1}};
  r.val_loss = 0.6;
  r.val_acc = 0.8;
  r.test_loss = 0.65;
  r.test_acc = 0.79;
  r.macro_f1 = 0.78;
  r.num_classes = 2;
  r.confusion = {40, 10, 11, 39};
  r.mistakes = {{17, 1, 0, 0.96875}, {4, 0, 1, 0.75}};
  r.robustness = {{"brightness", 0.2, 0.5, 0.45}, {"noise", 0.05, 0.75, 0.7}};
  r.robust_acc = 0.625;
  r.activations = {{"features.relu1", 16, 0.125}, {"dense.relu", 128, 0.5}};
  r.calibration = {{9, 30, 0.625, 0.5}, {14, 70, 0.96875, 0.9375}};
  r.eval_split = "test";
  r.epochs_run = 2;
  r.wall_seconds = 4.5;
  r.train_samples_per_s = 1234.5;
  r.sync_seconds = 2.5;
  r.rank = 2;
  r.threads = 1;
  r.host = "node7";
  r.device = "cpu";
  r.memory_format = "channels_last";
  r.started_unix = 1700000000;
  r.finished_unix = 1700000004.5;
  return r;
}

}  // namespace sweep::results
