#include "sweep/search/tpe_work.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "core/keys.h"

namespace sweep {
namespace {

constexpr int kAttempts = 100;      // draws for one new trial before the space counts as done
constexpr int kModelAttempts = 50;  // of which from the model; the rest at random

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of draw `attempt` for trial number `t` of a sweep seeded `seed`.
std::uint64_t draw_seed(std::uint64_t seed, std::size_t t, int attempt) {
  return mix(mix(seed ^ 0x7be7be7be7be7be7ULL) ^ mix(t)) ^ static_cast<std::uint64_t>(attempt);
}

const KeySpec& key_of(const GridEntry& e) {
  const KeySpec* k = find_key(e.key);
  if (k == nullptr) throw std::invalid_argument("unknown key '" + e.key + "' in a TPE search");
  return *k;
}

// The values of a categorical axis: its list or its choices.
const std::vector<std::string>& categories(const GridEntry& e) {
  return e.dist ? e.dist->choices : e.values;
}

bool categorical(const GridEntry& e) {
  return !e.dist || e.dist->kind == Distribution::Kind::kChoice;
}

}  // namespace

std::vector<TpeParam> tpe_space(const std::vector<const GridEntry*>& axes) {
  std::vector<TpeParam> space;
  for (const GridEntry* e : axes) {
    TpeParam p;
    if (categorical(*e)) {
      p.kind = TpeParam::Kind::kCategorical;
      p.choices = categories(*e).size();
    } else {
      const bool integer = key_of(*e).type == KeyType::kInt;
      p.kind = integer ? TpeParam::Kind::kInt : TpeParam::Kind::kFloat;
      p.log = e->dist->kind == Distribution::Kind::kLogUniform;
      p.low = e->dist->low;
      p.high = e->dist->high;
      if (integer) {  // the integers within the bounds
        p.low = std::ceil(p.low);
        p.high = std::floor(p.high);
      }
    }
    space.push_back(p);
  }
  return space;
}

namespace {

TpeSettings settings_of(const SearchSettings& s) {
  TpeSettings t;
  t.startup_trials = s.startup_trials;
  t.ei_candidates = s.ei_candidates;
  return t;
}

}  // namespace

TpeSuggester::TpeSuggester(const Grid& grid)
    : grid_(grid), builder_(grid), sampler_(tpe_space(builder_.axes()), settings_of(grid.search)) {}

std::optional<std::vector<std::string>> TpeSuggester::axis_values(
    const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::string> values;
  for (const GridEntry* e : builder_.axes()) {
    const auto it = std::find_if(params.begin(), params.end(),
                                 [&](const auto& kv) { return kv.first == e->key; });
    if (it == params.end()) return std::nullopt;
    values.push_back(it->second);
  }
  return values;
}

std::vector<double> TpeSuggester::coordinates(const TrialSpec& spec) const {
  std::vector<std::string> values;
  for (const GridEntry* e : builder_.axes()) values.push_back(spec.get(e->key));
  return coordinates(values);
}

std::vector<double> TpeSuggester::coordinates(const std::vector<std::string>& values) const {
  const auto& axes = builder_.axes();
  std::vector<double> x(axes.size(), NAN);
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const GridEntry& e = *axes[a];
    if (categorical(e)) {
      const auto& c = categories(e);
      const auto it = std::find(c.begin(), c.end(), values[a]);
      if (it != c.end()) x[a] = static_cast<double>(it - c.begin());
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(values[a].c_str(), &end);
    const TpeParam& p = sampler_.space()[a];
    if (end != values[a].c_str() && *end == '\0' && v >= p.low && v <= p.high) x[a] = v;
  }
  return x;
}

std::vector<std::string> TpeSuggester::values_of(const std::vector<double>& x) const {
  const auto& axes = builder_.axes();
  std::vector<std::string> values;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const GridEntry& e = *axes[a];
    if (categorical(e)) {
      values.push_back(categories(e)[static_cast<std::size_t>(x[a])]);
    } else {
      values.push_back(value_text(key_of(e), *e.dist, x[a]));
    }
  }
  return values;
}

std::optional<TrialSpec> TpeSuggester::suggest(const std::vector<TpeObservation>& history,
                                               std::size_t t,
                                               const std::function<bool(std::uint64_t)>& taken,
                                               bool& from_model, std::size_t& repeats) {
  const bool model = sampler_.uses_model(history);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    TpeRandom rng(draw_seed(grid_.search.seed, t, attempt));
    from_model = model && attempt < kModelAttempts;
    const std::vector<double> x =
        from_model ? sampler_.suggest(history, rng) : sampler_.random_point(rng);
    TrialSpec spec = builder_.build(values_of(x));
    if (!taken(spec.trial_id)) return spec;
    ++repeats;
  }
  return std::nullopt;
}

TpeWork::TpeWork(const Grid& grid) : grid_(grid), suggester_(grid) {}

void TpeWork::learn(std::uint64_t id, const std::vector<double>& x, const TrialResult& r) {
  done_.erase(
      std::remove_if(done_.begin(), done_.end(), [&](const auto& d) { return d.first == id; }),
      done_.end());
  if (r.status != Status::kOk && r.status != Status::kDiverged && r.status != Status::kPruned) {
    return;  // failed: not learned from
  }
  TpeObservation o;
  o.x = x;
  o.state = TpeObservation::State::kComplete;
  if (r.status == Status::kPruned) {  // ranked after the completed ones, later epochs first
    o.state = TpeObservation::State::kPruned;
    o.step = r.epochs_run;
    o.loss = std::isfinite(r.val_acc) ? -r.val_acc : INFINITY;
    done_.emplace_back(id, std::move(o));
    return;
  }
  // Lower is better: the validation accuracy negated; a diverged trial as the worst.
  o.loss = r.status == Status::kOk && std::isfinite(r.val_acc) ? -r.val_acc : INFINITY;
  done_.emplace_back(id, std::move(o));
}

bool TpeWork::restore(const std::vector<std::pair<std::string, std::string>>& params,
                      const TrialResult& stored, bool retry_failed) {
  if (stored.status == Status::kAbandoned) return false;
  const std::optional<std::vector<std::string>> values = suggester_.axis_values(params);
  if (!values) return false;
  seen_.insert(stored.trial_id);
  if (stored.status == Status::kFailed && retry_failed) {
    TrialSpec spec = suggester_.build(*values);
    if (spec.trial_id == stored.trial_id) retry_.push_back(std::move(spec));
  }
  learn(stored.trial_id, suggester_.coordinates(*values), stored);
  return true;
}

std::vector<TpeObservation> TpeWork::history() const {
  std::vector<TpeObservation> h;
  h.reserve(done_.size() + running_.size());
  for (const auto& d : done_) h.push_back(d.second);
  for (const auto& r : running_) {
    TpeObservation o;
    o.x = r.second;
    o.state = TpeObservation::State::kRunning;
    h.push_back(std::move(o));
  }
  return h;
}

bool TpeWork::continue_saved(std::uint64_t id,
                             const std::vector<std::pair<std::string, std::string>>& params) {
  if (seen_.count(id) > 0) return false;
  const std::optional<std::vector<std::string>> values = suggester_.axis_values(params);
  if (!values) return false;
  TrialSpec spec = suggester_.build(*values);
  if (spec.trial_id != id) return false;
  seen_.insert(id);
  saved_.push_back(std::move(spec));
  return true;
}

std::optional<Job> TpeWork::next() {
  Job job;
  if (!saved_.empty()) {
    job.spec = std::move(saved_.front());
    saved_.pop_front();
  } else if (!retry_.empty()) {
    job.spec = std::move(retry_.front());
    retry_.pop_front();
  } else {
    if (gave_up_ || seen_.size() >= grid_.search.samples) return std::nullopt;
    bool from_model = false;
    std::optional<TrialSpec> spec = suggester_.suggest(
        history(), seen_.size(), [&](std::uint64_t id) { return seen_.count(id) > 0; }, from_model,
        repeats_);
    if (!spec) {
      gave_up_ = true;
      return std::nullopt;
    }
    from_model_ += from_model;
    job.spec = std::move(*spec);
    seen_.insert(job.spec.trial_id);
  }
  running_.emplace_back(job.spec.trial_id, suggester_.coordinates(job.spec));
  return job;
}

bool TpeWork::exhausted() const {
  return saved_.empty() && retry_.empty() && (gave_up_ || seen_.size() >= grid_.search.samples);
}

void TpeWork::finished(const Job& job, const TrialResult& result) {
  const auto it = std::find_if(running_.begin(), running_.end(),
                               [&](const auto& r) { return r.first == job.spec.trial_id; });
  if (it == running_.end()) return;
  const std::vector<double> x = it->second;
  running_.erase(it);
  learn(job.spec.trial_id, x, result);
}

void TpeWork::abandoned(const Job& job) {
  const auto it = std::find_if(running_.begin(), running_.end(),
                               [&](const auto& r) { return r.first == job.spec.trial_id; });
  if (it == running_.end()) return;
  running_.erase(it);
  // Not stored: the trial counts no more, and a resumed run suggests afresh.
  if (std::none_of(done_.begin(), done_.end(),
                   [&](const auto& d) { return d.first == job.spec.trial_id; })) {
    seen_.erase(job.spec.trial_id);
  }
}

}  // namespace sweep
