#include "worker/training/training_state.h"

#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "worker/training/device.h"

namespace sweep::worker {
namespace {

torch::Tensor doubles_tensor(const std::vector<double>& v) {
  return torch::tensor(v.empty() ? std::vector<double>{0} : v, torch::kFloat64)
      .narrow(0, 0, static_cast<std::int64_t>(v.size()));
}

std::vector<double> tensor_doubles(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

}  // namespace

torch::Tensor bytes_tensor(const std::string& bytes) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), bytes.data(), bytes.size());
  return t;
}

std::string tensor_bytes(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous();
  return {reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()),
          static_cast<std::size_t>(c.numel())};
}

std::string snapshot_of(ClassifierImpl& model, torch::optim::Optimizer& opt, int epoch) {
  torch::serialize::OutputArchive root, m, o;
  model.save(m);
  opt.save(o);
  root.write("model", m);
  root.write("optimizer", o);
  root.write("epoch", torch::tensor(static_cast<std::int64_t>(epoch)));
  std::ostringstream out;
  root.save_to(out);
  return out.str();
}

int restore_snapshot(const std::string& bytes, ClassifierImpl& model, torch::optim::Optimizer* opt,
                     const std::string& what) {
  torch::serialize::InputArchive root, m, o;
  torch::Tensor epoch;
  try {
    root.load_from(bytes.data(), bytes.size(), device_of(model));
    root.read("model", m);
    model.load(m);
    if (opt != nullptr) {
      root.read("optimizer", o);
      opt->load(o);
    }
    root.read("epoch", epoch);
  } catch (const c10::Error& e) {
    throw DataError(what + ": does not fit this model: " + e.what_without_backtrace());
  }
  return static_cast<int>(epoch.item<std::int64_t>());
}

void save_state(const std::string& path, ClassifierImpl& model, torch::optim::Optimizer& opt,
                const TrainingState& s) {
  torch::serialize::OutputArchive root;
  root.write("current", bytes_tensor(snapshot_of(model, opt, s.epoch)));
  root.write("schedule", doubles_tensor(s.schedule));
  root.write("early_stop", doubles_tensor(s.early_stop));
  root.write("best",
             torch::tensor({static_cast<double>(s.best.epoch), s.best.val_acc}, torch::kFloat64));
  root.write("best_snapshot", bytes_tensor(s.best.snapshot));
  const std::string part = path + ".part";
  try {
    root.save_to(part);
  } catch (const c10::Error& e) {
    throw DataError(path + ": cannot write the training state: " + e.what_without_backtrace());
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    throw DataError(path + ": cannot write the training state");
  }
}

TrainingState load_state(const std::string& path, ClassifierImpl& model,
                         torch::optim::Optimizer& opt, int epoch) {
  torch::serialize::InputArchive root;
  torch::Tensor current, schedule, early_stop, best, best_snapshot;
  try {
    root.load_from(path);
    root.read("current", current);
    root.read("schedule", schedule);
    root.read("early_stop", early_stop);
    root.read("best", best);
    root.read("best_snapshot", best_snapshot);
  } catch (const c10::Error& e) {
    throw DataError(path + ": cannot read the training state: " + e.what_without_backtrace());
  }
  TrainingState s;
  s.epoch = restore_snapshot(tensor_bytes(current), model, &opt, path);
  if (s.epoch != epoch) {
    throw DataError(path + ": holds the state at epoch " + std::to_string(s.epoch) + ", not " +
                    std::to_string(epoch));
  }
  s.schedule = tensor_doubles(schedule);
  s.early_stop = tensor_doubles(early_stop);
  const std::vector<double> b = tensor_doubles(best);
  s.best.epoch = static_cast<int>(b.at(0));
  s.best.val_acc = b.at(1);
  s.best.snapshot = tensor_bytes(best_snapshot);
  return s;
}

}  // namespace sweep::worker
