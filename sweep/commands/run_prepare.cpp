#include "sweep/commands/run_prepare.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include "core/errors.h"
#include "core/state_file.h"
#include "core/version.h"
#include "sweep/search/scheduler.h"
#include "sweep/search/trial_states.h"
#include "worker/worker.h"

namespace sweep {

SearchKind search_kind_of(const SearchSettings& s) {
  const bool tpe = s.method == SearchSettings::Method::kTpe;
  if (s.halving()) return tpe ? SearchKind::kTpeHalving : SearchKind::kAsha;
  return tpe ? SearchKind::kTpe : SearchKind::kList;
}

namespace {

// The trials an earlier run saved mid-way that this one continues: of p.order (a list, moved to
// its front), or not stored yet (TPE, which hands them out first: TpeWork::continue_saved).
void find_saved(Prepared& p) {
  std::set<std::uint64_t> pending, stored, saved;
  for (std::size_t i : p.order) pending.insert(p.plan->trials.id(i));
  for (const auto& t : p.stored) stored.insert(t.result.trial_id);
  const bool tpe = p.kind == SearchKind::kTpe;
  for (const FoundState& s : list_states(state_dir_of(p.target.out))) {
    // Stored since, or another grid's.
    if (tpe ? stored.count(s.trial_id) > 0 : pending.count(s.trial_id) == 0) continue;
    if (s.header) {
      p.saved[s.trial_id] = *s.header;
      saved.insert(s.trial_id);
    } else {
      p.unusable_states.push_back(s.error);
    }
  }
  p.order = saved_first(p.order, p.plan->trials.ids(), saved);
}

}  // namespace

Prepared prepare_run(const CliCommand& cmd, const NodeFacts& facts, int world_size) {
  Prepared p;
  try {
    p.target = resolve_target(cmd, process_env());
    // The training ranks of rank 0's node share its memory (rank 0 itself only coordinates
    // when there are workers); other nodes are taken to be alike.
    PlanChecks checks;
    checks.backbones = worker::check_backbone_inputs;
    const int trainers = facts.local_ranks - (facts.coordinator_here && facts.local_ranks > 1);
    checks.memory_per_rank = training_memory_per_rank(trainers);
    p.plan = make_plan(cmd.grid, cmd.overrides, checks);
    p.per_trial = std::stoi(p.plan->trials.front().get("ranks_per_trial"));
    if (p.per_trial > 1 && world_size - 1 < p.per_trial) {
      throw UsageError("ranks_per_trial = " + std::to_string(p.per_trial) + " needs at least " +
                       std::to_string(p.per_trial) + " worker ranks, and this job has " +
                       std::to_string(std::max(0, world_size - 1)) + ": run under mpirun -np " +
                       std::to_string(p.per_trial + 1) + " or more (rank 0 coordinates)");
    }
    p.kind = search_kind_of(p.plan->grid.search);
    if (p.kind != SearchKind::kList && p.target.shard) {
      const bool is_tpe = p.kind == SearchKind::kTpe || p.kind == SearchKind::kTpeHalving;
      throw UsageError(std::string("search = ") + (is_tpe ? "tpe" : "asha") +
                       " runs as one MPI job and cannot be split into shards (" +
                       p.target.shard->source + "); run it without --shard or an array job");
    }
    if (cmd.keep_best > 0) {
      p.keep.emplace(checkpoint_dir_of(p.target.out), static_cast<std::size_t>(cmd.keep_best),
                     cmd.keep_by);
    }
    std::vector<std::uint64_t> done;
    const std::string parameters = parameter_set(p.plan->grid);
    if (results::file_exists(p.target.out)) {
      // Checked before the file is opened for writing, which may tidy it.
      check_parameter_set(p.target.out, results::Store::open_read(p.target.out).info().parameters,
                          parameters);
      p.store = results::Store::open_append(p.target.out);
      if (p.store->recovered()) {
        std::cerr << "sweep: " << p.target.out
                  << " was not closed cleanly (its writer was killed); repaired, every stored "
                     "trial kept\n";
      }
      if (p.plan->grid.search.median_stopping) {  // the rule compares epochs
        p.stored = p.store->read_trials(results::Store::Details::kAll);
      } else if (p.kind != SearchKind::kList || p.keep) {
        p.stored = p.store->read_trials(results::Store::Details::kNone);
      }
      if (p.kind == SearchKind::kList) {
        done = ids_to_skip(p.store->stored_status(), cmd.retry_failed);
      }
    }
    if (p.kind == SearchKind::kList) {
      p.members = shard_members(*p.plan, p.target.shard);
      p.order = pending_order(p.plan->trials.ids(), p.plan->costs, done, &p.members);
      p.in_shard = p.members.size();
      p.skipped = p.members.size() - p.order.size();
    } else if (p.halving()) {
      p.members = shard_members(*p.plan, std::nullopt);
    }  // kTpe: the sweep's trials are chosen as it runs (TpeWork)
    // States beside a file that does not exist are stale; successive halving finds its own.
    if (p.store && (p.kind == SearchKind::kList || p.kind == SearchKind::kTpe)) find_saved(p);
    if (!p.store) {
      results::StoreInfo info;
      info.grid_path = cmd.grid;
      info.grid_text = p.plan->grid.text;
      info.command_line = cmd.command_line;
      info.program_version = kVersion;
      info.dataset = p.plan->data.description;
      info.shard = p.target.shard ? p.target.shard->tag() : "";
      info.parameters = parameters;
      info.created_unix =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      // States left by a sweep whose results file was deleted since: trained for it, perhaps on
      // other data (the trial id leaves out where the data is); never resumed.
      const std::size_t stale = list_states(state_dir_of(p.target.out)).size();
      if (stale > 0) {
        std::cerr << "sweep: " << state_dir_of(p.target.out) << " holds " << stale
                  << " state(s) of an earlier sweep whose results file is gone; removed\n";
      }
      std::filesystem::remove_all(state_dir_of(p.target.out));
      p.store = results::Store::create(p.target.out, info);
    }
    std::filesystem::create_directories(state_dir_of(p.target.out));
    if (p.keep) {
      for (const auto& t : p.stored) p.keep->add(t.result);
      p.keep->remove_unkept_files();
    }
  } catch (const std::exception& e) {
    // Nothing has been written when the input is bad: the store is created last.
    std::cerr << "sweep: error: " << e.what() << "\n";
    p.code = exit_code_of(e);
  }
  return p;
}

}  // namespace sweep
