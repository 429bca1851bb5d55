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
#include "sweep/commands/run_prepare.h"
#include "sweep/commands/sweep_work.h"
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
    if (p.kind == SearchKind::kTpeHalving) return true;
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

// The trial groups of ranks_per_trial > 1 (collective: every rank calls it), once per sweep.
struct Groups {
  GroupLayout layout;
  std::unique_ptr<GroupComm> comm;  // this rank's group; nullptr alone or idle
};

// SWEEP_GROUP_TIMEOUT, SWEEP_SHARE_DATA (0: each member its own copy of the data, for
// comparisons) and SWEEP_FAULT_INJECT (tests), read before anything is written.
struct GroupEnvironment {
  GroupDeadline deadline;
  InjectedFault fault;
  bool share_data = true;
};

GroupEnvironment group_environment(const StopSignals& signals) {
  const char* timeout = std::getenv("SWEEP_GROUP_TIMEOUT");
  const char* fault = std::getenv("SWEEP_FAULT_INJECT");
  GroupEnvironment env;
  env.deadline.floor_seconds = parse_group_timeout(timeout ? timeout : "");
  env.deadline.signals = &signals;
  env.fault = parse_injected_fault(fault ? fault : "");
  const char* share = std::getenv("SWEEP_SHARE_DATA");
  const std::string share_text = share ? share : "1";
  if (share_text != "0" && share_text != "1") {
    throw UsageError("SWEEP_SHARE_DATA: expected 0 or 1, not '" + share_text + "'");
  }
  env.share_data = share_text == "1";
  return env;
}

Groups form_trial_groups(const MpiSession& mpi, const NodeFacts& facts, int per_trial,
                         const GroupEnvironment& env) {
  Groups g;
  if (per_trial > 1) {
    g.layout = form_groups(nodes_of_all_ranks(mpi, facts), per_trial);
    g.comm = GroupComm::split(mpi, g.layout, env.deadline, env.fault);
  }
  return g;
}

// A rank other than 0: trains what rank 0 hands out (alone, as a group's leader or member)
// until told to stop.
int serve(worker::DataCache& cache, const worker::WorkerContext& ctx, const WaitPolicy& wait,
          int per_trial, GroupComm* group) {
  if (per_trial == 1) {
    serve_as_worker(cache, ctx, wait);
  } else if (group != nullptr && group->rank() == 0) {
    serve_as_worker(cache, ctx, wait, group);
  } else if (group != nullptr) {
    serve_as_member(cache, ctx, *group, wait);
  }  // else idle: too few workers left for a group
  polled_barrier();
  return kExitOk;
}

}  // namespace

int run_command(const CliCommand& cmd, const MpiSession& mpi, const StopSignals& signals) {
  const bool root = mpi.rank() == 0;
  const auto t0 = std::chrono::steady_clock::now();
  const GroupEnvironment group_env = group_environment(signals);
  const NodeFacts facts = node_facts(mpi);
  Prepared p;
  if (root) p = prepare_run(cmd, facts, mpi.size());
  const int code = mpi.size() > 1 ? polled_broadcast(p.code) : p.code;
  if (code != kExitOk) return code;
  const int per_trial = mpi.size() > 1 ? polled_broadcast(p.per_trial) : 1;
  const Groups groups = form_trial_groups(mpi, facts, per_trial, group_env);

  const WaitPolicy wait = wait_policy_for(facts.local_ranks, facts.cores);
  worker::WorkerContext ctx;
  ctx.rank = mpi.rank();
  ctx.threads = threads_per_worker(facts, cmd.threads);
  ctx.host = mpi.host();
  ctx.local_worker = facts.local_worker;
  ctx.gpus = worker::visible_gpus();
  ctx.group = groups.comm.get();
  if (mpi.size() == 1 || !root) worker::configure_runtime(ctx.threads);
  worker::DataCache cache(cache_loader(cache_share(cmd, facts), [](const std::string& text) {
    std::cerr << "sweep: " << text << "\n";
  }));
  // A group's members on a node: one copy of the data.
  if (group_env.share_data) cache.share_within(groups.comm.get());
  if (!root) return serve(cache, ctx, wait, per_trial, groups.comm.get());

  const std::string warning = worker::blas_warning();
  if (!warning.empty()) std::cerr << "sweep: " << warning << "\n";
  SweepWork work(p, cmd.retry_failed);
  const std::size_t total = work.total();
  const int workers = mpi.size() == 1  ? 1
                      : per_trial == 1 ? mpi.size() - 1
                                       : static_cast<int>(groups.layout.groups.size());
  const std::string on = per_trial == 1 ? std::to_string(workers) + " worker rank(s)"
                                        : describe_groups(groups.layout, per_trial);
  std::cout << run_header(p, work, cmd, on, mpi.size() == 1 ? ctx.threads : 0) << "\n"
            << std::flush;
  const double cpu0 = cpu_seconds();
  const auto loop_start = std::chrono::steady_clock::now();
  auto since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
  };
  ProgressTracker progress(total);
  progress.set_resuming(p.saved.size());
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
  EpochReports epochs;
  epochs.seen = [&](const Job& job, const EpochMetrics& m) {
    progress.epoch(job.spec.trial_id,
                   job.to_epoch > 0 ? job.to_epoch : std::stoi(job.spec.get("epochs")), m);
  };
  epochs.judge = [&](const Job&, const std::vector<EpochMetrics>& so_far) {
    return work.rule().verdict(so_far);
  };
  SweepOutcome outcome;
  if (mpi.size() == 1) {
    outcome = run_locally(work.source(), cache, ctx, sink, stop, tick, epochs);
  } else {
    outcome = coordinate(work.source(), workers, sink, stop, tick, wait, epochs);
    if (outcome.broken.empty()) polled_barrier();  // a broken group's ranks never come
  }
  display.finish();

  const std::size_t done = progress.done();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("done: %zu %s in %.1f s", done, work.asha() ? "rung jobs" : "trials", wall);
  if (mpi.size() > 1 && done > 0) {
    const double cpu = cpu_seconds() - cpu0;
    const double loop = since_start();
    std::printf(
        "; coordinator CPU %.2f s over %.2f s of coordinating (%.2f%%), %s results/s stored in "
        "%zu writes",
        cpu, loop, 100 * cpu / loop, format_rate(static_cast<double>(done) / loop).c_str(), writes);
  }
  std::printf("; results in %s\n", p.target.out.c_str());
  std::cout << run_summary(p, work);
  if (work.all_done(done)) {  // a signal that came with nothing left to run included
    std::error_code ignored;  // the states are only needed to resume
    std::filesystem::remove_all(state_dir_of(p.target.out), ignored);
  }
  std::printf("\n");
  // Read block by block, once for the table and the failures: a million-trial file without
  // holding its rows.
  const results::DigestScan scan = results::scan_digests({&*p.store}, {}, "");
  std::cout << results::rank_scan(scan, results::RankOptions{}) << std::flush;
  int exit_code = kExitInterrupted;
  if (outcome.stopped() && !work.all_done(done)) {
    std::cout << "\n"
              << stopped_text(p, work, signal_name(outcome.signal), done, outcome.abandoned) << "\n"
              << std::flush;
  } else {
    exit_code = finished_code(cmd, p, scan, work.tpe());
  }
  if (!outcome.broken.empty()) {
    // The ranks of a broken group wait in sums that can never complete: only MPI_Abort ends
    // them. Every result is stored and the file closed first.
    p.store.reset();
    std::cout << std::flush;
    std::cerr << "sweep: a trial group broke (" << outcome.broken
              << "); every result is stored; the job ends with MPI_Abort (exit " << exit_code
              << "); run the same command to resume\n"
              << std::flush;
    mpi.abort(exit_code);
  }
  return exit_code;
}

}  // namespace sweep
