#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>

#include "core/errors.h"
#include "core/version.h"
#include "results/analysis/failures.h"
#include "results/analysis/rank.h"
#include "results/analysis/trial_digest.h"
#include "results/store/store.h"
#include "sweep/commands/commands.h"
#include "sweep/commands/kept_checkpoints.h"
#include "sweep/commands/progress.h"
#include "sweep/commands/run_output.h"
#include "sweep/data/cache_loader.h"
#include "sweep/data/memory_share.h"
#include "sweep/mpi/coordinator.h"
#include "sweep/mpi/group_comm.h"
#include "sweep/mpi/groups.h"
#include "sweep/mpi/signals.h"
#include "sweep/offline/plan.h"
#include "sweep/search/asha_work.h"
#include "sweep/search/median_stopping.h"
#include "sweep/search/scheduler.h"
#include "sweep/search/tpe_work.h"
#include "worker/worker.h"

namespace sweep {
namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Where successive halving keeps the training states between rungs.
std::string state_dir_of(const std::string& results_file) { return results_file + ".state"; }

// Everything rank 0 prepares before any trial runs. Bad input leaves `code` at 2 with
// nothing written.
struct Prepared {
  std::optional<Plan> plan;
  std::optional<results::Store> store;
  std::vector<std::size_t> order;            // grid and random search: the trials to run
  std::vector<std::size_t> members;          // the trials of this sweep (its shard's)
  bool asha = false;                         // successive halving: jobs come from AshaWork
  bool tpe = false;                          // search = tpe: jobs come from TpeWork
  std::vector<results::StoredTrial> stored;  // asha, tpe, --keep-best: the rows in the file
  std::optional<KeptCheckpoints> keep;       // --keep-best
  Target target;
  std::size_t skipped = 0, in_shard = 0;
  int per_trial = 1;  // ranks_per_trial
  int code = kExitOk;
};

Prepared prepare(const CliCommand& cmd, const NodeFacts& facts, int world_size) {
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
    p.asha = p.plan->grid.search.halving();  // asha, or tpe with successive halving
    p.tpe = p.plan->grid.search.method == SearchSettings::Method::kTpe && !p.asha;
    if ((p.asha || p.tpe) && p.target.shard) {
      const bool is_tpe = p.plan->grid.search.method == SearchSettings::Method::kTpe;
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
      } else if (p.asha || p.tpe || p.keep) {
        p.stored = p.store->read_trials(results::Store::Details::kNone);
      }
      if (!p.asha && !p.tpe) {
        done = ids_to_skip(p.store->stored_status(), cmd.retry_failed);
      }
    }
    if (p.tpe) {
      // The sweep's trials are chosen as it runs (TpeWork).
    } else if (!p.asha) {
      p.members = shard_members(*p.plan, p.target.shard);
      p.order = pending_order(p.plan->trials.ids(), p.plan->costs, done, &p.members);
      p.in_shard = p.members.size();
      p.skipped = p.members.size() - p.order.size();
    } else {
      p.members = shard_members(*p.plan, std::nullopt);
    }
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
      p.store = results::Store::create(p.target.out, info);
    }
    if (p.asha) std::filesystem::create_directories(state_dir_of(p.target.out));
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

// The exit code of a sweep that ran to its end: 3 when a trial of it is stored as failed
// (unless --allow-failed), with the failures grouped by message on stderr.
int finished_code(const CliCommand& cmd, const Prepared& p, const results::DigestScan& scan,
                  const TpeWork* tpe) {
  // The sweep's ids, collected when a failed trial is first looked up (most sweeps have none).
  std::optional<std::unordered_set<std::uint64_t>> ids;
  auto in_sweep = [&](std::uint64_t id) {
    if (tpe != nullptr) return tpe->contains(id);
    // tpe with successive halving: the configurations are suggested as it runs, and every trial
    // in the file is the sweep's.
    if (p.plan->grid.search.method == SearchSettings::Method::kTpe) return true;
    if (!ids) {
      ids.emplace();
      ids->reserve(p.members.size());
      for (std::size_t i : p.members) ids->insert(p.plan->trials.id(i));
    }
    return ids->count(id) > 0;
  };
  const std::vector<results::FailureGroup> groups = results::failed_in_scan(scan, in_sweep);
  if (groups.empty()) return kExitOk;
  std::cerr << "\n"
            << results::failure_summary(groups, tpe != nullptr ? tpe->trials() : p.members.size(),
                                        p.target.out);
  if (cmd.allow_failed) {
    std::cerr << "sweep: exit code 0 (--allow-failed); without it a sweep with failed trials "
                 "exits 3\n";
    return kExitOk;
  }
  std::cerr << "sweep: exit code 3: some trials failed (--allow-failed exits 0; --retry-failed "
               "runs them again)\n";
  return kExitSomeFailed;
}

// Bytes of image cache this rank may load under cache_memory = auto.
std::uint64_t cache_share(const CliCommand& cmd, const NodeFacts& facts) {
  if (cmd.memory_per_rank >= 0) return static_cast<std::uint64_t>(cmd.memory_per_rank * 1048576.0);
  const std::optional<std::uint64_t> available = available_memory();
  // Without /proc/meminfo nothing is known: load, as before there was a choice.
  if (!available) return UINT64_MAX;
  return memory_share(*available, facts.local_ranks);
}

}  // namespace

int run_command(const CliCommand& cmd, const MpiSession& mpi, const StopSignals& signals) {
  const bool root = mpi.rank() == 0;
  const auto t0 = std::chrono::steady_clock::now();
  const NodeFacts facts = node_facts(mpi);
  Prepared p;
  if (root) p = prepare(cmd, facts, mpi.size());
  const int code = mpi.size() > 1 ? polled_broadcast(p.code) : p.code;
  if (code != kExitOk) return code;
  // ranks_per_trial > 1: the workers form their groups (collective), once for the sweep.
  const int per_trial = mpi.size() > 1 ? polled_broadcast(p.per_trial) : 1;
  GroupLayout groups;
  std::unique_ptr<GroupComm> group;
  if (per_trial > 1) {
    const char* fault = std::getenv("SWEEP_FAULT_INJECT");
    groups = form_groups(nodes_of_all_ranks(mpi, facts), per_trial);
    group = GroupComm::split(mpi, groups, parse_injected_fault(fault ? fault : ""));
  }

  const WaitPolicy wait = wait_policy_for(facts.local_ranks, facts.cores);
  worker::WorkerContext ctx;
  ctx.rank = mpi.rank();
  ctx.threads = threads_per_worker(facts, cmd.threads);
  ctx.host = mpi.host();
  ctx.local_worker = facts.local_worker;
  ctx.gpus = worker::visible_gpus();
  ctx.group = group.get();
  const bool trains = mpi.size() == 1 || !root;
  if (trains) worker::configure_runtime(ctx.threads);
  worker::DataCache cache(cache_loader(cache_share(cmd, facts), [](const std::string& text) {
    std::cerr << "sweep: " << text << "\n";
  }));

  if (!root) {
    if (per_trial == 1) {
      serve_as_worker(cache, ctx, wait);
    } else if (group != nullptr && group->rank() == 0) {
      serve_as_worker(cache, ctx, wait, group.get());
    } else if (group != nullptr) {
      serve_as_member(cache, ctx, *group, wait);
    }  // else idle: too few workers left for a group
    polled_barrier();
    return kExitOk;
  }
  const std::string warning = worker::blas_warning();
  if (!warning.empty()) std::cerr << "sweep: " << warning << "\n";
  std::optional<AshaWork> asha;
  std::optional<Grid> config_grid;  // tpe with successive halving: the configurations' grid
  std::size_t restored = 0;
  const bool bohb = p.asha && p.plan->grid.search.method == SearchSettings::Method::kTpe;
  if (p.asha) {
    if (bohb) {
      config_grid.emplace(halving_configs(p.plan->grid));
      asha.emplace(*config_grid, p.plan->grid.search, state_dir_of(p.target.out));
    } else {
      asha.emplace(p.plan->trials, p.plan->grid.search, state_dir_of(p.target.out));
    }
    for (const auto& t : p.stored) restored += asha->restore(t.result, cmd.retry_failed, t.params);
  }
  std::optional<TpeWork> tpe;
  if (p.tpe) {
    tpe.emplace(p.plan->grid);
    for (const auto& t : p.stored) tpe->restore(t.params, t.result, cmd.retry_failed);
    restored = tpe->trials();
  }
  const std::size_t samples = p.plan->grid.search.samples;
  const std::size_t expected = asha ? asha->expected_jobs() : 0;
  const std::size_t total = asha  ? (expected > restored ? expected - restored : 1)
                            : tpe ? (samples > restored ? samples - restored : 0) +
                                        (cmd.retry_failed ? tpe->retries() : 0)
                                  : p.order.size();
  const int workers = mpi.size() == 1  ? 1
                      : per_trial == 1 ? mpi.size() - 1
                                       : static_cast<int>(groups.groups.size());
  const std::string on = per_trial == 1 ? std::to_string(workers) + " worker rank(s)"
                                        : describe_groups(groups, per_trial);
  std::cout << "sweep " << kVersion << ": ";
  if (asha) {
    std::cout << asha_header(asha->scheduler(), asha->configs(), cmd.grid,
                             p.plan->grid.search.reduction_factor, expected, restored, p.target.out,
                             on)
              << (bohb ? "; new configurations suggested by TPE" : "") << "\n";
  } else if (tpe) {
    std::cout << tpe_header(p.plan->grid.search, cmd.grid, restored, total, p.target.out, on)
              << "\n";
  } else {
    std::cout << p.plan->trials.size() << " trials in " << cmd.grid;
    if (p.target.shard) {
      std::cout << ", shard " << p.target.shard->index + 1 << " of " << p.target.shard->count
                << " (" << p.target.shard->source << "): " << p.in_shard << " trials";
    }
    std::cout << ", " << p.skipped << " already in " << p.target.out << ", " << total
              << " to run on " << on
              << (mpi.size() == 1 ? " (rank 0 trains, " + std::to_string(ctx.threads) + " threads)"
                                  : "")
              << "\n";
  }
  std::cout << std::flush;
  const double cpu0 = cpu_seconds();
  const auto loop_start = std::chrono::steady_clock::now();
  auto since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
  };
  ProgressTracker progress(total);
  ProgressDisplay display = make_display(cmd);
  std::size_t writes = 0;  // appends to the store (each one flush, for one or more results)
  ResultSink sink = [&](const std::vector<FinishedJob>& finished) {
    ++writes;
    std::vector<results::Store::Item> items;
    for (const FinishedJob& f : finished) items.push_back({&f.job.spec, &f.result});
    p.store->append(items);
    for (const FinishedJob& f : finished) {
      if (p.keep) p.keep->add(f.result);
      progress.finished(f.result);
      if (cmd.verbose) {
        display.print(result_line(f.job.spec, f.result, p.plan->grid, progress.done(), total));
      }
    }
    display.tick(progress, since_start(), true);
  };
  Ticker tick = [&](std::size_t running) {
    progress.set_running(running);
    display.tick(progress, since_start());
  };
  StopControl stop;
  stop.signals = &signals;
  stop.grace_seconds = cmd.grace;
  stop.note = [&](const std::string& text) { display.print("sweep: " + text, stderr); };
  SweepOutcome outcome;
  TrialList list(p.plan->trials, p.order);
  WorkSource& inner = asha  ? static_cast<WorkSource&>(*asha)
                      : tpe ? static_cast<WorkSource&>(*tpe)
                            : list;
  CheckpointingWork checkpointing(inner, checkpoint_dir_of(p.target.out));
  WorkSource& kept = p.keep ? static_cast<WorkSource&>(checkpointing) : inner;
  const SearchSettings& search = p.plan->grid.search;
  MedianStopping rule({search.stopping_warmup, search.stopping_min_trials});
  for (const auto& t : p.stored) rule.add(t.result);
  StoppingWork stopping(kept, rule);
  WorkSource& work = search.median_stopping ? static_cast<WorkSource&>(stopping) : kept;
  EpochReports epochs;
  epochs.seen = [&](const Job& job, const EpochMetrics& m) {
    progress.epoch(job.spec.trial_id,
                   job.to_epoch > 0 ? job.to_epoch : std::stoi(job.spec.get("epochs")), m);
  };
  epochs.judge = [&](const Job&, const std::vector<EpochMetrics>& so_far) {
    return rule.verdict(so_far);
  };
  if (mpi.size() == 1) {
    outcome = run_locally(work, cache, ctx, sink, stop, tick, epochs);
  } else {
    outcome = coordinate(work, workers, sink, stop, tick, wait, epochs);
    polled_barrier();
  }
  display.finish();
  const std::size_t done = progress.done();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("done: %zu %s in %.1f s", done, asha ? "rung jobs" : "trials", wall);
  if (mpi.size() > 1 && done > 0) {
    const double cpu = cpu_seconds() - cpu0;
    const double loop =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
    std::printf(
        "; coordinator CPU %.2f s over %.2f s of coordinating (%.2f%%), %s results/s stored in "
        "%zu writes",
        cpu, loop, 100 * cpu / loop, format_rate(static_cast<double>(done) / loop).c_str(), writes);
  }
  std::printf("; results in %s\n", p.target.out.c_str());
  if (asha) {
    std::cout << asha_summary(asha->scheduler(), asha->configs()) << "\n";
    if (bohb) {
      std::cout << "TPE: " << asha->from_model()
                << " configurations suggested by the model in this run, the rest at random\n";
    }
    if (!outcome.stopped() && asha->exhausted()) {
      std::error_code ignored;  // the states are only needed to resume
      std::filesystem::remove_all(state_dir_of(p.target.out), ignored);
    }
  }
  if (tpe)
    std::cout << tpe_summary(tpe->trials(), samples, tpe->from_model(), tpe->repeats(),
                             tpe->space_exhausted())
              << "\n";
  std::printf("\n");
  // Read block by block, once for the table and the failures: a million-trial file without
  // holding its rows.
  const results::DigestScan scan = results::scan_digests({&*p.store}, {}, "");
  std::cout << results::rank_scan(scan, results::RankOptions{}) << std::flush;
  if (outcome.stopped() && (asha ? !asha->exhausted() : done < total)) {
    if (asha) {
      std::cout << "\nstopped by " << signal_name(outcome.signal) << ": " << done
                << " rung jobs finished and stored, " << outcome.abandoned
                << " abandoned; run the same command again to resume (the training states are "
                   "kept in "
                << state_dir_of(p.target.out) << ")\n"
                << std::flush;
      return kExitInterrupted;
    }
    std::cout << "\nstopped by " << signal_name(outcome.signal) << ": " << done << " of " << total
              << " trials finished and stored, " << outcome.abandoned << " abandoned, "
              << total - done - outcome.abandoned
              << " not started; run the same command again to resume\n"
              << std::flush;
    return kExitInterrupted;
  }
  return finished_code(cmd, p, scan, tpe ? &*tpe : nullptr);
}

}  // namespace sweep
