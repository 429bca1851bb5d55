#include "worker/training/training_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/trial_id.h"
#include "worker/training/device.h"

namespace sweep::worker {
namespace {

// An open file descriptor, closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// `bytes` to `path` through `path`.part, fsync, rename and a flushed directory. Throws
// DataError naming `path` with the system's reason.
void write_durably(const std::string& path, const std::string& bytes) {
  const std::string part = path + ".part";
  auto fail = [&](const char* step) {
    const int err = errno;
    ::unlink(part.c_str());
    throw DataError(path + ": cannot write the training state (" + step + ": " +
                    std::strerror(err) + ")");
  };
  {
    Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail("open");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("write");
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail("fsync");
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) fail("rename");
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) ::fsync(d.get());  // the rename itself on disk; best effort
}

// Header and payload to `path`, durably; returns the bytes written.
std::size_t write_state_file(const std::string& path, std::uint64_t trial_id, int epoch,
                             std::int64_t batch, const std::string& params,
                             const std::string& payload, bool batch_is_ms = false) {
  StateHeader h;
  h.params = params;
  h.batch_is_ms = batch_is_ms;
  h.trial_id = trial_id;
  h.epoch = epoch;
  h.batch = batch;
  h.payload_bytes = payload.size();
  h.checksum = state_checksum(payload.data(), payload.size());
  std::string bytes = encode_state_header(h);
  bytes += payload;
  write_durably(path, bytes);
  return bytes.size();
}

struct StateFile {
  StateHeader header;
  std::string payload;
};

// The state file `path` of trial `trial_id`, its header and checksum checked. Throws DataError
// naming `path` (see load_state).
StateFile read_state_file(const std::string& path, std::uint64_t trial_id) {
  StateFile f;
  f.header = read_state_header(path);  // missing, truncated, foreign, other format
  if (f.header.trial_id != trial_id) {
    throw DataError(path + ": holds the state of trial " + trial_id_hex(f.header.trial_id) +
                    ", not of trial " + trial_id_hex(trial_id));
  }
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(kStateHeaderBytes + f.header.params.size()));
  f.payload.resize(f.header.payload_bytes);
  in.read(f.payload.data(), static_cast<std::streamsize>(f.payload.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != f.header.payload_bytes) {
    throw DataError(path + ": cannot read the training state (truncated)");
  }
  if (state_checksum(f.payload.data(), f.payload.size()) != f.header.checksum) {
    throw DataError(path + ": the training state is corrupt (its checksum does not match)");
  }
  return f;
}

// Epoch rows as a [rows x 6] float64 tensor (epoch, train_loss, train_acc, val_loss, val_acc,
// seconds) and back.
torch::Tensor rows_tensor(const std::vector<EpochMetrics>& rows) {
  std::vector<double> v;
  for (const EpochMetrics& m : rows) {
    v.insert(v.end(), {static_cast<double>(m.epoch), m.train_loss, m.train_acc, m.val_loss,
                       m.val_acc, m.seconds});
  }
  if (v.empty()) return torch::zeros({0, 6}, torch::kFloat64);
  return torch::tensor(v, torch::kFloat64).reshape({-1, 6});
}

std::vector<EpochMetrics> tensor_rows(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kFloat64).contiguous().reshape({-1, 6});
  std::vector<EpochMetrics> rows(static_cast<std::size_t>(c.size(0)));
  const double* p = c.data_ptr<double>();
  for (EpochMetrics& m : rows) {
    m.epoch = static_cast<int>(p[0]);
    m.train_loss = p[1];
    m.train_acc = p[2];
    m.val_loss = p[3];
    m.val_acc = p[4];
    m.seconds = p[5];
    p += 6;
  }
  return rows;
}

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

std::size_t save_state(const std::string& path, ClassifierImpl& model, torch::optim::Optimizer& opt,
                       const TrainingState& s) {
  torch::serialize::OutputArchive root;
  root.write("current", bytes_tensor(snapshot_of(model, opt, s.epoch)));
  root.write("schedule", doubles_tensor(s.schedule));
  root.write("early_stop", doubles_tensor(s.early_stop));
  root.write("best",
             torch::tensor({static_cast<double>(s.best.epoch), s.best.val_acc}, torch::kFloat64));
  root.write("best_snapshot", bytes_tensor(s.best.snapshot));
  root.write("epoch_rows", rows_tensor(s.epochs));
  const EpochPosition& p = s.position;
  root.write("position", torch::tensor({static_cast<double>(p.batch), p.loss_sum,
                                        static_cast<double>(p.correct), p.seconds,
                                        static_cast<double>(p.members)},
                                       torch::kFloat64));
  root.write("dropout_rng", bytes_tensor(p.dropout_rng));
  root.write("augment_rng", bytes_tensor(p.augment_rng));
  std::ostringstream out;
  try {
    root.save_to(out);
  } catch (const c10::Error& e) {
    throw DataError(path + ": cannot write the training state: " + e.what_without_backtrace());
  }
  return write_state_file(path, s.trial_id, s.epoch, p.batch, s.params, out.str());
}

void save_noop_state(const std::string& path, const TrialSpec& spec, int epoch,
                     std::int64_t slept_ms) {
  write_state_file(path, spec.trial_id, epoch, slept_ms, params_text(spec.params), "", true);
}

StateHeader load_noop_state(const std::string& path, std::uint64_t trial_id) {
  return read_state_file(path, trial_id).header;
}

TrainingState load_state(const std::string& path, ClassifierImpl& model,
                         torch::optim::Optimizer& opt, std::uint64_t trial_id) {
  const StateFile h = read_state_file(path, trial_id);
  torch::serialize::InputArchive root;
  torch::Tensor current, schedule, early_stop, best, best_snapshot, rows, position, dropout, aug;
  try {
    root.load_from(h.payload.data(), h.payload.size());
    root.read("current", current);
    root.read("schedule", schedule);
    root.read("early_stop", early_stop);
    root.read("best", best);
    root.read("best_snapshot", best_snapshot);
    root.read("epoch_rows", rows);
    root.read("position", position);
    root.read("dropout_rng", dropout);
    root.read("augment_rng", aug);
  } catch (const c10::Error& e) {
    throw DataError(path + ": cannot read the training state: " + e.what_without_backtrace());
  }
  TrainingState s;
  s.trial_id = trial_id;
  s.epochs = tensor_rows(rows);
  const int rows_epoch = s.epochs.empty() ? 0 : s.epochs.back().epoch;
  s.epoch = restore_snapshot(tensor_bytes(current), model, &opt, path);
  if (s.epoch != h.header.epoch || s.epoch != rows_epoch ||
      static_cast<int>(s.epochs.size()) != s.epoch) {
    throw DataError(path + ": its header (epoch " + std::to_string(h.header.epoch) +
                    "), epoch rows (" + std::to_string(s.epochs.size()) + ", to epoch " +
                    std::to_string(rows_epoch) + ") and weights (epoch " + std::to_string(s.epoch) +
                    ") disagree");
  }
  const std::vector<double> p = tensor_doubles(position);
  if (p.size() != 5 || static_cast<std::int64_t>(p[0]) != h.header.batch || p[4] < 1) {
    throw DataError(path + ": its position in the epoch disagrees with its header");
  }
  s.position.batch = h.header.batch;
  s.position.loss_sum = p[1];
  s.position.correct = static_cast<std::int64_t>(p[2]);
  s.position.seconds = p[3];
  s.position.members = static_cast<int>(p[4]);
  s.position.dropout_rng = tensor_bytes(dropout);
  s.position.augment_rng = tensor_bytes(aug);
  s.schedule = tensor_doubles(schedule);
  s.early_stop = tensor_doubles(early_stop);
  const std::vector<double> b = tensor_doubles(best);
  s.best.epoch = static_cast<int>(b.at(0));
  s.best.val_acc = b.at(1);
  s.best.snapshot = tensor_bytes(best_snapshot);
  return s;
}

}  // namespace sweep::worker
