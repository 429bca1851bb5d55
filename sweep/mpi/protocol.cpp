#include "sweep/mpi/protocol.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "core/result_columns.h"

namespace sweep {
namespace {

class Writer {
 public:
  template <typename T>
  void put(T v) {
    static_assert(std::is_arithmetic_v<T>);
    const char* p = reinterpret_cast<const char*>(&v);
    out_.insert(out_.end(), p, p + sizeof v);
  }
  void put(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(const Bytes& b) : b_(b) {}
  template <typename T>
  T get() {
    static_assert(std::is_arithmetic_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string str() {
    auto n = get<std::uint32_t>();
    need(n);
    std::string s(b_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  void done() const {
    if (pos_ != b_.size()) throw std::runtime_error("protocol: trailing bytes in message");
  }
  std::size_t remaining() const { return b_.size() - pos_; }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > b_.size()) throw std::runtime_error("protocol: truncated message");
  }
  const Bytes& b_;
  std::size_t pos_ = 0;
};

constexpr std::uint32_t kMaxItems = 1u << 24;

// An item count, checked against the bytes left: each item takes at least `item_bytes`, so a
// damaged count cannot make the reader allocate or loop for items the message does not hold.
std::uint32_t count(Reader& r, std::size_t item_bytes) {
  auto n = r.get<std::uint32_t>();
  if (n > kMaxItems || n > r.remaining() / item_bytes) {
    throw std::runtime_error("protocol: implausible item count");
  }
  return n;
}

}  // namespace

namespace {

void put_spec(Writer& w, const TrialSpec& spec) {
  w.put(spec.trial_id);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(spec.params.size()));
  for (const auto& [k, v] : spec.params) {
    w.put(k);
    w.put(v);
  }
}

TrialSpec get_spec(Reader& r) {
  TrialSpec s;
  s.trial_id = r.get<std::uint64_t>();
  for (std::uint32_t i = 0, n = count(r, 8); i < n; ++i) {  // two string lengths
    std::string k = r.str();
    s.params.emplace_back(std::move(k), r.str());
  }
  return s;
}

}  // namespace

Bytes encode_spec(const TrialSpec& spec) {
  Writer w;
  put_spec(w, spec);
  return w.take();
}

TrialSpec decode_spec(const Bytes& bytes) {
  Reader r(bytes);
  TrialSpec s = get_spec(r);
  r.done();
  return s;
}

Bytes encode_job(const Job& job) {
  Writer w;
  put_spec(w, job.spec);
  w.put<std::int32_t>(job.rung);
  w.put<std::int32_t>(job.from_epoch);
  w.put<std::int32_t>(job.to_epoch);
  w.put(job.state);
  w.put<std::int8_t>(job.keep_state ? 1 : 0);
  w.put(job.checkpoint_to);
  w.put<std::int8_t>(job.await_verdict ? 1 : 0);
  return w.take();
}

Job decode_job(const Bytes& bytes) {
  Reader r(bytes);
  Job j;
  j.spec = get_spec(r);
  j.rung = r.get<std::int32_t>();
  j.from_epoch = r.get<std::int32_t>();
  j.to_epoch = r.get<std::int32_t>();
  j.state = r.str();
  j.keep_state = r.get<std::int8_t>() != 0;
  j.checkpoint_to = r.str();
  j.await_verdict = r.get<std::int8_t>() != 0;
  r.done();
  return j;
}

Bytes encode_epoch(const EpochReport& e) {
  Writer w;
  w.put(e.trial_id);
  w.put<std::int32_t>(e.metrics.epoch);
  for (double v : {e.metrics.train_loss, e.metrics.train_acc, e.metrics.val_loss, e.metrics.val_acc,
                   e.metrics.seconds}) {
    w.put(v);
  }
  return w.take();
}

EpochReport decode_epoch(const Bytes& bytes) {
  Reader r(bytes);
  EpochReport e;
  e.trial_id = r.get<std::uint64_t>();
  e.metrics.epoch = r.get<std::int32_t>();
  for (double* v : {&e.metrics.train_loss, &e.metrics.train_acc, &e.metrics.val_loss,
                    &e.metrics.val_acc, &e.metrics.seconds}) {
    *v = r.get<double>();
  }
  r.done();
  return e;
}

Bytes encode_text(const std::string& text) {
  Writer w;
  w.put(text);
  return w.take();
}

std::string decode_text(const Bytes& bytes) {
  Reader r(bytes);
  std::string s = r.str();
  r.done();
  return s;
}

Bytes encode_result(const TrialResult& x) {
  Writer w;
  // The columns of the trials table (core/result_columns.h), then the details.
  for (const ResultColumn& c : kResultColumns) {
    switch (c.type) {
      case ResultType::kTrialId:
        w.put(x.trial_id);
        break;
      case ResultType::kStatus:
        w.put(static_cast<std::int8_t>(x.status));
        break;
      case ResultType::kReal:
        w.put(x.*c.real);
        break;
      case ResultType::kInt:
        w.put(x.*c.integer);
        break;
      case ResultType::kLabel:
      case ResultType::kText:
        w.put(x.*c.text);
        break;
    }
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.epochs.size()));
  for (const auto& e : x.epochs) {
    w.put<std::int32_t>(e.epoch);
    for (double v : {e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.seconds}) w.put(v);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.confusion.size()));
  for (auto c : x.confusion) w.put(c);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.mistakes.size()));
  for (const Mistake& m : x.mistakes) {
    w.put(m.row);
    w.put(m.true_label);
    w.put(m.predicted);
    w.put(m.probability);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.robustness.size()));
  for (const RobustnessPoint& p : x.robustness) {
    w.put(p.perturbation);
    for (double v : {p.level, p.accuracy, p.macro_f1}) w.put(v);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.activations.size()));
  for (const ActivationLayer& a : x.activations) {
    w.put(a.layer);
    w.put(a.units);
    w.put(a.dead_fraction);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(x.calibration.size()));
  for (const CalibrationBin& b : x.calibration) {
    w.put(b.bin);
    w.put(b.rows);
    w.put(b.mean_confidence);
    w.put(b.accuracy);
  }
  return w.take();
}

TrialResult decode_result(const Bytes& bytes) {
  Reader r(bytes);
  TrialResult x;
  for (const ResultColumn& c : kResultColumns) {
    switch (c.type) {
      case ResultType::kTrialId:
        x.trial_id = r.get<std::uint64_t>();
        break;
      case ResultType::kStatus: {
        const auto st = r.get<std::int8_t>();
        if (st < 0 || st > static_cast<std::int8_t>(Status::kPruned)) {
          throw std::runtime_error("protocol: bad status");
        }
        x.status = static_cast<Status>(st);
        break;
      }
      case ResultType::kReal:
        x.*c.real = r.get<double>();
        break;
      case ResultType::kInt:
        x.*c.integer = r.get<std::int32_t>();
        break;
      case ResultType::kLabel:
      case ResultType::kText:
        x.*c.text = r.str();
        break;
    }
  }
  for (std::uint32_t i = 0, n = count(r, 4 + 5 * sizeof(double)); i < n; ++i) {
    EpochMetrics e;
    e.epoch = r.get<std::int32_t>();
    e.train_loss = r.get<double>();
    e.train_acc = r.get<double>();
    e.val_loss = r.get<double>();
    e.val_acc = r.get<double>();
    e.seconds = r.get<double>();
    x.epochs.push_back(e);
  }
  for (std::uint32_t i = 0, n = count(r, 8); i < n; ++i) {
    x.confusion.push_back(r.get<std::int64_t>());
  }
  for (std::uint32_t i = 0, n = count(r, 8 + 4 + 4 + 8); i < n; ++i) {
    Mistake m;
    m.row = r.get<std::int64_t>();
    m.true_label = r.get<std::int32_t>();
    m.predicted = r.get<std::int32_t>();
    m.probability = r.get<double>();
    x.mistakes.push_back(m);
  }
  for (std::uint32_t i = 0, n = count(r, 4 + 3 * 8); i < n; ++i) {
    RobustnessPoint p;
    p.perturbation = r.str();
    p.level = r.get<double>();
    p.accuracy = r.get<double>();
    p.macro_f1 = r.get<double>();
    x.robustness.push_back(p);
  }
  for (std::uint32_t i = 0, n = count(r, 4 + 2 * 8); i < n; ++i) {
    ActivationLayer a;
    a.layer = r.str();
    a.units = r.get<std::int64_t>();
    a.dead_fraction = r.get<double>();
    x.activations.push_back(a);
  }
  for (std::uint32_t i = 0, n = count(r, 4 + 3 * 8); i < n; ++i) {
    CalibrationBin b;
    b.bin = r.get<std::int32_t>();
    b.rows = r.get<std::int64_t>();
    b.mean_confidence = r.get<double>();
    b.accuracy = r.get<double>();
    x.calibration.push_back(b);
  }
  r.done();
  return x;
}

Bytes encode_range(const ImageRange& r) {
  Writer w;
  w.put(r.begin);
  w.put(r.end);
  return w.take();
}

ImageRange decode_range(const Bytes& bytes) {
  Reader r(bytes);
  ImageRange x;
  x.begin = r.get<std::int64_t>();
  x.end = r.get<std::int64_t>();
  r.done();
  return x;
}

Bytes encode_prepared(const std::vector<PreparedImage>& images) {
  Writer w;
  w.put<std::uint32_t>(static_cast<std::uint32_t>(images.size()));
  for (const auto& i : images) {
    w.put(i.index);
    w.put(i.error);
    w.put(i.hash);
    w.put(std::string(i.planes.begin(), i.planes.end()));
  }
  return w.take();
}

std::vector<PreparedImage> decode_prepared(const Bytes& bytes) {
  Reader r(bytes);
  // index, error length, hash, planes length
  std::vector<PreparedImage> out(count(r, 8 + 4 + 8 + 4));
  for (auto& i : out) {
    i.index = r.get<std::int64_t>();
    i.error = r.str();
    i.hash = r.get<std::uint64_t>();
    const std::string planes = r.str();
    i.planes.assign(planes.begin(), planes.end());
  }
  r.done();
  return out;
}

}  // namespace sweep
