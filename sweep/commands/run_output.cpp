#include "sweep/commands/run_output.h"

#include <cstdio>

#include "core/state_file.h"
#include "core/trial_id.h"
#include "core/version.h"
#include "sweep/commands/terminal.h"

namespace sweep {

std::string result_line(const TrialSpec& spec, const TrialResult& r, const Grid& grid,
                        std::size_t done, std::size_t total) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "[%zu/%zu] %s %-8s val_acc %.4f test_acc %.4f  %.1f s  rank %d x%d thr", done,
                total, trial_id_hex(r.trial_id).c_str(), status_name(r.status), r.val_acc,
                r.test_acc, r.wall_seconds, r.rank, r.threads);
  std::string s = buf;
  std::string params;
  for (const auto& e : grid.entries) {
    if (e.axis) params += (params.empty() ? "" : " ") + e.key + "=" + spec.get(e.key);
  }
  if (!params.empty()) s += "  " + params;
  if (grid.search.halving()) {
    s += "  rung " + std::to_string(r.rung) + " (" + std::to_string(r.epochs_run) + " epochs)";
  }
  if (r.epochs_restored > 0 && r.epochs_restored <= static_cast<int>(r.epochs.size())) {
    s += "  resumed at epoch " + std::to_string(r.epochs[r.epochs_restored - 1].epoch);
  }
  if (!r.message.empty()) s += "  (" + r.message + ")";
  return s;
}

ProgressDisplay make_display(const CliCommand& cmd) {
  if (cmd.quiet) return ProgressDisplay(ProgressMode::kOff, cmd.progress_every, stdout);
  const TerminalInfo t = stdout_terminal();
  return ProgressDisplay(t.is_terminal ? ProgressMode::kTerminal : ProgressMode::kLog,
                         cmd.progress_every, stdout, t.columns);
}

std::string asha_header(const AshaScheduler& a, std::size_t configs, const std::string& grid,
                        int reduction_factor, std::size_t expected_jobs, std::size_t restored,
                        const std::string& out, const std::string& on) {
  std::string s =
      "ASHA over " + std::to_string(configs) + " configurations in " + grid + " (rungs at";
  for (int e : a.rungs()) s += " " + std::to_string(e);
  return s + " epochs, reduction factor " + std::to_string(reduction_factor) + ", about " +
         std::to_string(expected_jobs) + " rung jobs), " + std::to_string(restored) +
         " rung results already in " + out + ", on " + on;
}

std::string asha_summary(const AshaScheduler& a, std::size_t configs) {
  std::size_t top = 0;
  for (std::size_t c = 0; c < configs; ++c) {
    top += a.rung_reached(c) + 1 == static_cast<int>(a.rungs().size());
  }
  const int e = a.rungs().back();
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "ASHA: %zu of %zu configurations started, %zu reached the top rung (%d epochs); "
                "%lld epochs trained in all, against %lld for all of them to %d epochs",
                a.started_configs(), configs, top, e, a.epochs_spent(),
                static_cast<long long>(configs) * e, e);
  return buf;
}

std::string tpe_header(const SearchSettings& s, const std::string& grid, std::size_t restored,
                       std::size_t to_run, const std::string& out, const std::string& on) {
  return "TPE over " + std::to_string(s.samples) + " trials in " + grid + " (the first " +
         std::to_string(s.startup_trials) +
         " drawn at random, then suggested from the results as they come; search_seed " +
         std::to_string(s.seed) + "), " + std::to_string(restored) + " already in " + out + ", " +
         std::to_string(to_run) + " to run on " + on;
}

std::string tpe_summary(std::size_t trials, std::size_t samples, std::size_t from_model,
                        std::size_t repeats, bool exhausted) {
  std::string s = "TPE: " + std::to_string(trials) + " of " + std::to_string(samples) +
                  " trials in the file, " + std::to_string(from_model) +
                  " suggested by the model in this run (" + std::to_string(repeats) +
                  " repeated suggestions dropped)";
  if (exhausted) {
    s += "; no new trial was found in 100 draws: the space holds no more distinct trials that "
         "the search reaches (widen it, or lower samples)";
  }
  return s;
}

std::string saved_line(const std::map<std::uint64_t, StateHeader>& saved) {
  std::string s =
      std::to_string(saved.size()) +
      (saved.size() == 1 ? " trial saved mid-way continues" : " trials saved mid-way continue") +
      " first, from";
  std::size_t shown = 0;
  for (const auto& [id, h] : saved) {
    if (shown++ == 5) {
      s += " ...";
      break;
    }
    s += (shown > 1 ? ", " : " ") + trial_id_hex(id) + " epoch " + state_position(h);
  }
  return s;
}

std::string run_header(const Prepared& p, const SweepWork& w, const CliCommand& cmd,
                       const std::string& on, int alone_threads) {
  const std::string version = std::string("sweep ") + kVersion + ": ";
  if (const AshaWork* asha = w.asha()) {
    return version +
           asha_header(asha->scheduler(), asha->configs(), cmd.grid,
                       p.plan->grid.search.reduction_factor, asha->expected_jobs(), w.restored(),
                       p.target.out, on) +
           (p.kind == SearchKind::kTpeHalving ? "; new configurations suggested by TPE" : "");
  }
  // The trials an earlier run saved mid-way, and the states that cannot be used.
  std::string saved;
  if (!p.saved.empty()) saved += "\n" + saved_line(p.saved);
  for (const std::string& why : p.unusable_states) {
    saved += "\nsweep: warning: " + why + ": that trial starts again";
  }
  if (w.tpe() != nullptr) {
    return version +
           tpe_header(p.plan->grid.search, cmd.grid, w.restored(), w.total(), p.target.out, on) +
           saved;
  }
  std::string line = version + std::to_string(p.plan->trials.size()) + " trials in " + cmd.grid;
  if (p.target.shard) {
    line += ", shard " + std::to_string(p.target.shard->index + 1) + " of " +
            std::to_string(p.target.shard->count) + " (" + p.target.shard->source +
            "): " + std::to_string(p.in_shard) + " trials";
  }
  line += ", " + std::to_string(p.skipped) + " already in " + p.target.out + ", " +
          std::to_string(w.total()) + " to run on " + on;
  if (alone_threads > 0) {
    line += " (rank 0 trains, " + std::to_string(alone_threads) + " threads)";
  }
  return line + saved;
}

std::string run_summary(const Prepared& p, const SweepWork& w) {
  std::string text;
  if (const AshaWork* asha = w.asha()) {
    text += asha_summary(asha->scheduler(), asha->configs()) + "\n";
    if (p.kind == SearchKind::kTpeHalving) {
      text += "TPE: " + std::to_string(asha->from_model()) +
              " configurations suggested by the model in this run, the rest at random\n";
    }
  }
  if (const TpeWork* tpe = w.tpe()) {
    text += tpe_summary(tpe->trials(), p.plan->grid.search.samples, tpe->from_model(),
                        tpe->repeats(), tpe->space_exhausted()) +
            "\n";
  }
  return text;
}

std::string stopped_text(const Prepared& p, const SweepWork& w, const std::string& signal,
                         std::size_t done, std::size_t abandoned) {
  if (w.asha() != nullptr) {
    return "stopped by " + signal + ": " + std::to_string(done) +
           " rung jobs finished and stored, " + std::to_string(abandoned) +
           " abandoned; run the same command again to resume (the training states are kept "
           "in " +
           state_dir_of(p.target.out) + ")";
  }
  std::size_t saved = 0;
  for (const FoundState& s : list_states(state_dir_of(p.target.out))) saved += s.header.has_value();
  return "stopped by " + signal + ": " + std::to_string(done) + " of " + std::to_string(w.total()) +
         " trials finished and stored, " + std::to_string(abandoned) + " abandoned, " +
         std::to_string(w.total() - done - abandoned) +
         " not started; run the same command again to resume" +
         (saved > 0 ? " (" + std::to_string(saved) + " trial" + (saved == 1 ? "" : "s") +
                          " saved mid-way: resume continues " + (saved == 1 ? "it" : "them") +
                          " from " + state_dir_of(p.target.out) + ")"
                    : std::string());
}

}  // namespace sweep
