#include "sweep/commands/progress.h"

#include <algorithm>
#include <cmath>

#include "core/trial_id.h"

namespace sweep {

ProgressTracker::ProgressTracker(std::size_t total) : total_(total) {}

void ProgressTracker::finished(const TrialResult& r) {
  ++done_;
  if (running_ > 0) --running_;
  if (r.epochs_restored > 0 && resuming_ > 0) --resuming_;
  if (r.status == Status::kFailed) ++failed_;
  if (r.status == Status::kDiverged) ++diverged_;
  if (r.status == Status::kPruned) ++pruned_;
  // Epochs it did not report (its last, or all when it trained in a group) count for the ETA.
  const auto it = reporting_.find(r.trial_id);
  const int reported = it == reporting_.end() ? 0 : it->second.done;
  if (it != reporting_.end()) reporting_.erase(it);
  for (const EpochMetrics& m : r.epochs) {
    if (m.epoch > reported && m.seconds > 0) {
      epoch_seconds_ += m.seconds;
      ++epochs_seen_;
    }
  }
  if (epochs_per_trial_ == 0 && r.epochs_run > 0) epochs_per_trial_ = r.epochs_run;
  if (r.status != Status::kOk) return;
  // Chosen on validation, as `sweep rank` does; test accuracy only when no trial validates.
  const bool has_val = !std::isnan(r.val_acc);
  const double v = has_val ? r.val_acc : r.test_acc;
  if (std::isnan(v)) return;
  const char* metric = has_val ? "val_acc" : "test_acc";
  if (!best_metric_.empty()) {
    if (best_metric_ == "val_acc" && !has_val) return;  // validation outranks test accuracy
    if (best_metric_ == metric && v <= best_value_) return;
  }
  best_metric_ = metric;
  best_value_ = v;
  best_test_ = r.test_acc;
  best_trial_ = r.trial_id;
}

double ProgressTracker::trials_per_hour(double elapsed) const {
  return done_ == 0 || elapsed <= 0 ? 0 : 3600.0 * done_ / elapsed;
}

void ProgressTracker::epoch(std::uint64_t trial, int epochs, const EpochMetrics& m) {
  Running& r = reporting_[trial];
  r.epochs = epochs;
  r.done = m.epoch;
  r.val_acc = m.val_acc;
  epochs_per_trial_ = epochs;
  if (m.seconds > 0) {
    epoch_seconds_ += m.seconds;
    ++epochs_seen_;
  }
}

double ProgressTracker::eta_seconds(double elapsed) const {
  if (epochs_seen_ > 0 && epochs_per_trial_ > 0) {
    double left = 0;
    std::size_t started = 0;
    for (const auto& [id, r] : reporting_) {
      left += std::max(0, r.epochs - r.done);
      ++started;
    }
    // Running trials that have not reported yet have all their epochs ahead.
    const std::size_t silent = running_ > started ? running_ - started : 0;
    const std::size_t pending = total_ > done_ + std::max(running_, started)
                                    ? total_ - done_ - std::max(running_, started)
                                    : 0;
    left += static_cast<double>(silent + pending) * epochs_per_trial_;
    const double share = static_cast<double>(std::max<std::size_t>(std::max(running_, started), 1));
    return left * (epoch_seconds_ / static_cast<double>(epochs_seen_)) / share;
  }
  if (done_ == 0 || elapsed <= 0) return -1;
  return elapsed / done_ * (total_ > done_ ? total_ - done_ : 0);
}

std::string format_duration(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "?";
  const long long t = std::llround(s);
  char buf[32];
  if (t < 60) {
    std::snprintf(buf, sizeof buf, "%llds", t);
  } else if (t < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", t / 60, t % 60);
  } else if (t < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", t / 3600, t % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", t / 86400, t % 86400 / 3600);
  }
  return buf;
}

std::string format_rate(double per_second) {
  char buf[48];
  if (!(per_second > 0) || per_second >= 10) {
    std::snprintf(buf, sizeof buf, "%.0f", per_second > 0 ? per_second : 0.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.2g", per_second);
  }
  return buf;
}

std::string ProgressTracker::line(double elapsed) const {
  std::string s = std::to_string(done_) + "/" + std::to_string(total_) + " done";
  std::string notes;
  for (const auto& [n, what] : {std::pair{failed_, "failed"}, std::pair{diverged_, "diverged"},
                                std::pair{pruned_, "pruned"}}) {
    if (n > 0) notes += (notes.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  }
  if (!notes.empty()) s += " (" + notes + ")";
  s += ", " + std::to_string(running_) + " running";
  if (resuming_ > 0) s += " (" + std::to_string(resuming_) + " saved mid-way, continuing)";
  if (!reporting_.empty()) {
    std::string each;
    std::size_t shown = 0;
    for (const auto& [id, r] : reporting_) {
      if (shown++ == 3) {
        each += ", ...";
        break;
      }
      char buf[96];
      if (std::isnan(r.val_acc)) {
        std::snprintf(buf, sizeof buf, "epoch %d/%d", r.done, r.epochs);
      } else {
        std::snprintf(buf, sizeof buf, "epoch %d/%d val_acc %.4f", r.done, r.epochs, r.val_acc);
      }
      each += (each.empty() ? "" : ", ") + std::string(buf);
    }
    s += " (" + each + ")";
  }
  s += " | ";
  if (has_best()) {
    char buf[128];
    if (best_metric_ == "val_acc" && !std::isnan(best_test_)) {
      std::snprintf(buf, sizeof buf, "best val_acc %.4f (test_acc %.4f, trial %s)", best_value_,
                    best_test_, trial_id_hex(best_trial_).c_str());
    } else {
      std::snprintf(buf, sizeof buf, "best %s %.4f (trial %s)", best_metric_.c_str(), best_value_,
                    trial_id_hex(best_trial_).c_str());
    }
    s += buf;
  } else {
    s += "no result yet";
  }
  s += " | " + format_duration(elapsed) + " elapsed, ETA " + format_duration(eta_seconds(elapsed));
  char rate[48];
  std::snprintf(rate, sizeof rate, ", %.0f trials/h", trials_per_hour(elapsed));
  return s + rate;
}

ProgressDisplay::ProgressDisplay(ProgressMode mode, double every, std::FILE* out, std::size_t width)
    : mode_(mode), every_(every), out_(out), width_(width) {}

bool ProgressDisplay::tick(const ProgressTracker& p, double now, bool changed) {
  if (mode_ == ProgressMode::kOff) return false;
  if (mode_ == ProgressMode::kLog) {
    if (now - last_ < every_) return false;
    last_ = now;
    std::fprintf(out_, "progress: %s\n", p.line(now).c_str());
    std::fflush(out_);
    return true;
  }
  if (!changed && drawn_ && now - last_ < 0.5) return false;
  last_ = now;
  std::string text = p.line(now);
  if (width_ > 1 && text.size() > width_ - 1) text.resize(width_ - 1);
  std::fprintf(out_, "\r%s\033[K", text.c_str());
  std::fflush(out_);
  drawn_ = true;
  return true;
}

void ProgressDisplay::clear_terminal_line() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  drawn_ = false;
}

void ProgressDisplay::print(const std::string& text, std::FILE* to) {
  clear_terminal_line();
  std::fflush(out_);
  if (to == nullptr) to = out_;
  std::fprintf(to, "%s\n", text.c_str());
  std::fflush(to);
  // The terminal line comes back at the next tick.
}

void ProgressDisplay::finish() {
  clear_terminal_line();
  std::fflush(out_);
}

}  // namespace sweep
