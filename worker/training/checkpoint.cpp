#include "worker/training/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/errors.h"
#include "core/trial.h"
#include "worker/config/train_config.h"
#include "worker/training/training_state.h"

namespace sweep::worker {
namespace {

// 2: the normalization per channel ("norm_mean", "norm_std"); 1: one mean and std in "numbers".
constexpr std::int64_t kFormat = 2;

std::string params_text(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string s;
  for (const auto& [k, v] : params) s += k + "=" + v + "\n";
  return s;
}

std::vector<std::pair<std::string, std::string>> parse_params(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointInfo& info,
                      const std::string& snapshot) {
  torch::serialize::OutputArchive root;
  root.write("format", torch::tensor(kFormat));
  root.write("trial_id", torch::tensor(static_cast<std::int64_t>(info.trial_id)));
  root.write("params", bytes_tensor(params_text(info.params)));
  root.write("numbers",
             torch::tensor({static_cast<double>(info.epoch), info.val_acc}, torch::kFloat64));
  root.write("norm_mean", torch::tensor(info.norm.mean, torch::kFloat64));
  root.write("norm_std", torch::tensor(info.norm.stddev, torch::kFloat64));
  root.write("shape", torch::tensor({info.shape.channels, info.shape.rows, info.shape.cols,
                                     info.shape.classes},
                                    torch::kInt64));
  root.write("snapshot", bytes_tensor(snapshot));
  const std::string part = path + ".part";
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    root.save_to(part);
  } catch (const std::exception& e) {
    throw DataError(path + ": cannot write the checkpoint: " + e.what());
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    throw DataError(path + ": cannot write the checkpoint");
  }
}

LoadedCheckpoint load_checkpoint(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw DataError(path + ": no such checkpoint file");
  torch::serialize::InputArchive root;
  torch::Tensor format, id, params, numbers, shape, snapshot, norm_mean, norm_std;
  try {
    root.load_from(path);
    root.read("format", format);
    if (format.item<std::int64_t>() >= 2) {
      root.read("norm_mean", norm_mean);
      root.read("norm_std", norm_std);
    }
    root.read("trial_id", id);
    root.read("params", params);
    root.read("numbers", numbers);
    root.read("shape", shape);
    root.read("snapshot", snapshot);
  } catch (const c10::Error& e) {
    throw DataError(path + ": not a sweep checkpoint: " + e.what_without_backtrace());
  }
  if (format.item<std::int64_t>() < 1 || format.item<std::int64_t>() > kFormat) {
    throw DataError(path + ": checkpoint format " + std::to_string(format.item<std::int64_t>()) +
                    " is not 1 to " + std::to_string(kFormat) + " (written by a newer sweep?)");
  }
  LoadedCheckpoint c;
  c.info.trial_id = static_cast<std::uint64_t>(id.item<std::int64_t>());
  c.info.params = parse_params(tensor_bytes(params));
  auto n = numbers.accessor<double, 1>();
  c.info.epoch = static_cast<int>(n[0]);
  c.info.val_acc = n[1];
  if (norm_mean.defined()) {
    const auto m = norm_mean.contiguous(), s = norm_std.contiguous();
    c.info.norm.mean.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
    c.info.norm.stddev.assign(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
  } else {  // format 1: one mean and std after the epoch and the validation accuracy
    c.info.norm = {{n[2]}, {n[3]}};
  }
  auto s = shape.accessor<std::int64_t, 1>();
  c.info.shape = {s[0], s[1], s[2], s[3]};
  TrialSpec spec;
  spec.trial_id = c.info.trial_id;
  spec.params = c.info.params;
  try {
    c.model = make_model(train_config_of(spec).net, c.info.shape);
  } catch (const std::exception& e) {
    throw DataError(path + ": cannot rebuild its model: " + e.what());
  }
  restore_snapshot(tensor_bytes(snapshot), *c.model, nullptr, path);
  c.model->eval();
  return c;
}

}  // namespace sweep::worker
