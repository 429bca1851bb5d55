#include "sweep/mpi/coordinator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "sweep/mpi/poll_ceiling.h"
#include "sweep/mpi/protocol.h"
#include "sweep/mpi/session.h"

namespace sweep {
namespace {

using Clock = std::chrono::steady_clock;

// How long workers have to answer an abandon request (they check before every batch).
constexpr double kAbandonAnswerSeconds = 60;

void tell(const StopControl& stop, const std::string& text) {
  if (stop.note) stop.note(text);
}

// Takes the signal counts into `state`; true when they changed.
bool poll_signals(const StopControl& stop, StopState& state) {
  return stop.signals != nullptr && state.update(stop.signals->count(), stop.signals->interrupts());
}

worker::TrainSpan span_of(const Job& job) {
  worker::TrainSpan s;
  s.from_epoch = job.from_epoch;
  s.to_epoch = job.to_epoch;
  s.state = job.state;
  s.keep_state = job.keep_state;
  s.checkpoint_to = job.checkpoint_to;
  return s;
}

std::string stop_text(const StopControl& stop, std::size_t running) {
  const int sig = stop.signals ? stop.signals->last() : 0;
  char grace[32];
  std::snprintf(grace, sizeof grace, "%g", stop.grace_seconds);
  return std::string(signal_name(sig)) + ": stopping; no more trials handed out; " +
         (running == 0
              ? std::string("none running")
              : "waiting up to " + std::string(grace) + " s for " + std::to_string(running) +
                    " running trial(s) (a second Ctrl-C abandons them now)");
}

// Rank 0's side of a sweep under mpirun: hands jobs to the workers that ask, stores their
// results before giving them more, relays epoch reports and verdicts, and stops them on a
// signal. One object per sweep; its members are the state the loop of run() shares.
class Coordinator {
 public:
  Coordinator(WorkSource& work, int workers, const ResultSink& sink, const StopControl& stop,
              const Ticker& tick, const WaitPolicy& wait, const EpochReports& epochs)
      : work_(work),
        sink_(sink),
        stop_(stop),
        tick_(tick),
        wait_(wait),
        epochs_(epochs),
        state_(stop.grace_seconds),
        active_(workers) {}

  // Runs until every worker was told to stop; returns how the sweep ended. Throws MpiError on
  // a protocol violation or when workers do not answer an abandon request in time.
  SweepOutcome run() {
    while (active_ > 0) {
      WaitPolicy now = wait_;
      now.ceiling_us = ceiling_.ceiling_us();
      std::optional<Message> got = wait_message_or(
          -1, [this] { return interrupt(); }, now);
      react_to_stop();
      if (answer_overdue()) {
        throw MpiError("workers did not answer the abandon request within 60 s");
      }
      if (!got) continue;
      // Every message already waiting is taken now, so that their results are stored together
      // (one write and one flush for all: what makes short trials cheap to store).
      std::vector<FinishedJob> finished;
      for (std::optional<Message> m = std::move(got); m; m = poll_message()) take(*m, finished);
      if (!finished.empty()) {
        sink_(finished);  // durable before these workers are given more work
        for (const FinishedJob& f : finished) {
          ceiling_.observe(f.result.wall_seconds);
          work_.finished(f.job, f.result);
        }
      }
      dispatch();
      outbox_.progress();
    }
    outbox_.finish();
    return out_;
  }

 private:
  bool answer_overdue() const {
    return abandon_sent_ && std::chrono::duration<double>(Clock::now() - abandon_at_).count() >
                                kAbandonAnswerSeconds;
  }

  // Wakes the wait when a signal comes, the grace time runs out or an answer is overdue.
  bool interrupt() {
    if (tick_) tick_(running_.size());
    if (poll_signals(stop_, state_)) return true;
    return (state_.stopping() && !abandon_sent_ && state_.abandon()) || answer_overdue();
  }

  // After a stop signal: no more jobs (idle workers stop now); after the grace time or a second
  // signal: the running trials are abandoned.
  void react_to_stop() {
    if (state_.stopping() && out_.signal == 0) {
      out_.signal = stop_.signals->last();
      tell(stop_, stop_text(stop_, running_.size()));
      dispatch();
    }
    if (state_.stopping() && !abandon_sent_ && state_.abandon()) {
      abandon_sent_ = true;
      abandon_at_ = Clock::now();
      if (!running_.empty()) {
        tell(stop_, "stopping " + std::to_string(running_.size()) +
                        " running trial(s) at their next batch; each continues from its saved "
                        "state on resume");
      }
      for (const auto& [rank, job] : running_) outbox_.send(rank, Tag::kAbandon, {});
    }
  }

  // Gives ready jobs to idle workers; stops them when no job will come (or after a stop).
  void dispatch() {
    while (!idle_.empty() && !state_.stopping()) {
      std::optional<Job> job = work_.next();
      if (!job) break;
      const int w = idle_.back();
      idle_.pop_back();
      outbox_.send(w, Tag::kTrial, encode_job(*job));
      running_[w] = std::move(*job);
    }
    if (idle_.empty()) return;
    if (state_.stopping() || work_.exhausted()) {
      for (int w : idle_) outbox_.send(w, Tag::kStop, {});
      active_ -= static_cast<int>(idle_.size());
      idle_.clear();
    } else if (running_.empty()) {
      throw std::logic_error("the scheduler has no job, none is running, and it is not done");
    }
  }

  // One message from a worker: an epoch report (answered with a verdict when its job awaits
  // one), a result (kept in `finished` unless abandoned), or a ready worker.
  void take(const Message& m, std::vector<FinishedJob>& finished) {
    if (retired_.count(m.source) > 0) return;  // a broken group's leader, late
    if (m.tag == Tag::kGroupBroken) {
      take_broken(m, finished);
      return;
    }
    if (m.tag == Tag::kEpoch) {
      take_epoch(m);
      return;  // the worker trains on: not idle
    }
    if (m.tag == Tag::kResult) {
      take_result(m, finished);
    } else if (m.tag != Tag::kReady) {
      throw MpiError("unexpected message tag " + std::to_string(static_cast<int>(m.tag)) +
                     " from rank " + std::to_string(m.source));
    }
    idle_.push_back(m.source);
  }

  // A group that cannot go on: its leader's running trial is stored as failed (with the
  // reporting member's threads, and its host when it is the leader), and the leader (the worker
  // rank 0 knows) gets nothing more; a second report of the same group is ignored.
  void take_broken(const Message& m, std::vector<FinishedJob>& finished) {
    std::string rest = decode_text(m.body);
    auto line = [&rest] {  // report_broken's lines
      const std::size_t nl = rest.find('\n');
      if (nl == std::string::npos) throw MpiError("a malformed report of a broken group");
      std::string l = rest.substr(0, nl);
      rest.erase(0, nl + 1);
      return l;
    };
    const int leader = std::stoi(line());
    const int reporter = std::stoi(line());
    const int threads = std::stoi(line());
    const std::string host = line();
    const std::string why = rest;
    if (!retired_.insert(leader).second) return;
    if (out_.broken.empty()) out_.broken = why;
    reported_.erase(leader);
    idle_.erase(std::remove(idle_.begin(), idle_.end(), leader), idle_.end());
    --active_;
    auto it = running_.find(leader);
    if (it == running_.end()) return;
    FinishedJob f{std::move(it->second), TrialResult{}};
    running_.erase(it);
    f.result.trial_id = f.job.spec.trial_id;
    f.result.rung = f.job.rung;
    f.result.rank = leader;
    f.result.threads = threads;
    if (reporter == leader) f.result.host = host;
    f.result.status = Status::kFailed;
    f.result.message = "the trial group broke: " + why;
    if (f.result.message.size() > 1000) f.result.message.resize(1000);
    finished.push_back(std::move(f));
  }

  void take_epoch(const Message& m) {
    auto it = running_.find(m.source);
    const EpochReport e = decode_epoch(m.body);
    if (it == running_.end() || e.trial_id != it->second.spec.trial_id) {
      throw MpiError("rank " + std::to_string(m.source) +
                     " reported an epoch of a trial it is not running");
    }
    std::vector<EpochMetrics>& so_far = reported_[m.source];
    so_far.push_back(e.metrics);
    if (epochs_.seen) epochs_.seen(it->second, e.metrics);
    if (it->second.await_verdict) {
      const std::string verdict = epochs_.judge ? epochs_.judge(it->second, so_far) : "";
      outbox_.send(m.source, Tag::kVerdict, encode_text(verdict));
    }
  }

  void take_result(const Message& m, std::vector<FinishedJob>& finished) {
    reported_.erase(m.source);
    auto it = running_.find(m.source);
    if (it == running_.end()) {
      throw MpiError("rank " + std::to_string(m.source) + " sent a result it was never given");
    }
    FinishedJob f{std::move(it->second), decode_result(m.body)};
    running_.erase(it);
    if (f.result.trial_id != f.job.spec.trial_id) {
      throw MpiError("rank " + std::to_string(m.source) + " sent a result for the wrong trial");
    }
    f.result.rung = f.job.rung;
    if (f.result.status == Status::kAbandoned) {
      ++out_.abandoned;
      work_.abandoned(f.job);
    } else {
      finished.push_back(std::move(f));
    }
  }

  WorkSource& work_;
  const ResultSink& sink_;
  const StopControl& stop_;
  const Ticker& tick_;
  const WaitPolicy& wait_;
  const EpochReports& epochs_;
  SweepOutcome out_;
  StopState state_;
  std::map<int, Job> running_;                         // worker rank -> its job
  std::map<int, std::vector<EpochMetrics>> reported_;  // worker rank -> its job's epochs so far
  std::vector<int> idle_;                              // workers waiting for a job
  std::set<int> retired_;                              // leaders of broken groups
  int active_;                                         // workers not yet told to stop
  Outbox outbox_;
  PollCeiling ceiling_;
  bool abandon_sent_ = false;
  Clock::time_point abandon_at_{};
};

// Tells rank 0 that this rank's group broke (`why`), then waits for rank 0 to end the job: the
// group's pending sums can never complete, so neither this rank nor the member that did not
// come can reach the end of the job. The message: the leader's rank, this rank's, its threads
// and host (lines), then `why`.
[[noreturn]] void report_broken(const GroupComm& group, const worker::WorkerContext& ctx,
                                const std::string& why) {
  std::fprintf(stderr, "sweep: %s\n", why.c_str());
  send_message(
      0, Tag::kGroupBroken,
      encode_text(std::to_string(group.world_ranks().front()) + "\n" + std::to_string(ctx.rank) +
                  "\n" + std::to_string(ctx.threads) + "\n" + ctx.host + "\n" + why));
  while (true) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace

SweepOutcome coordinate(WorkSource& work, int workers, const ResultSink& sink,
                        const StopControl& stop, const Ticker& tick, const WaitPolicy& wait,
                        const EpochReports& epochs) {
  return Coordinator(work, workers, sink, stop, tick, wait, epochs).run();
}

void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx,
                     const WaitPolicy& wait, GroupComm* group) {
  if (group != nullptr) {
    group->on_broken([group, &ctx](const std::string& why) { report_broken(*group, ctx, why); });
  }
  send_message(0, Tag::kReady, {});
  PollCeiling ceiling;  // short trials: the next job is looked for more often
  while (true) {
    WaitPolicy now = wait;
    now.ceiling_us = ceiling.ceiling_us();
    now.soon_us = 100000;  // rank 0 answers a result at once: look often for the first 0.1 s
    Message m = wait_message(0, now);
    if (m.tag == Tag::kStop) {
      if (group != nullptr) group->tell_members(Tag::kStop, {});
      return;
    }
    // An abandon request or a verdict that came after the trial it meant had ended.
    if (m.tag == Tag::kAbandon || m.tag == Tag::kVerdict) continue;
    if (m.tag != Tag::kTrial)
      throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(m.tag)));
    const Job job = decode_job(m.body);
    if (group != nullptr) group->tell_members(Tag::kTrial, m.body);
    bool abandon = false;
    // Each epoch goes to rank 0; a job that awaits a verdict waits for it (an abandon request
    // may come first: the trial then ends at its next batch).
    const worker::EpochHook hook = [&](const EpochMetrics& m) -> std::string {
      send_message(0, Tag::kEpoch, encode_epoch({job.spec.trial_id, m}));
      if (!job.await_verdict || abandon) return "";
      WaitPolicy answer = wait;
      answer.soon_us = 100000;  // rank 0 answers at once
      while (true) {
        Message v = wait_message(0, answer);
        if (v.tag == Tag::kVerdict) return decode_text(v.body);
        if (v.tag == Tag::kAbandon) {
          abandon = true;
          return "";
        }
        throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(v.tag)) +
                       " while waiting for a verdict");
      }
    };
    TrialResult r;
    try {
      r = worker::run_trial(
          job.spec, cache, ctx,
          [&] {
            if (!abandon) abandon = take_message(0, Tag::kAbandon);
            return abandon;
          },
          span_of(job), group == nullptr ? hook : nullptr);
    } catch (const worker::GroupBroken& e) {
      report_broken(*group, ctx, e.what());
    }
    ceiling.observe(r.wall_seconds);
    send_message(0, Tag::kResult, encode_result(r));
  }
}

void serve_as_member(worker::DataCache& cache, const worker::WorkerContext& ctx, GroupComm& group,
                     const WaitPolicy& wait) {
  group.on_broken([&group, &ctx](const std::string& why) { report_broken(group, ctx, why); });
  while (true) {
    Message m = group.wait_leader(wait);
    if (m.tag == Tag::kStop) return;
    if (m.tag != Tag::kTrial) {
      throw MpiError("group member: unexpected message tag " +
                     std::to_string(static_cast<int>(m.tag)));
    }
    const Job job = decode_job(m.body);
    try {
      worker::run_trial(job.spec, cache, ctx, nullptr, span_of(job));  // the leader reports it
    } catch (const worker::GroupBroken& e) {
      report_broken(group, ctx, e.what());
    }
  }
}

SweepOutcome run_locally(WorkSource& work, worker::DataCache& cache,
                         const worker::WorkerContext& ctx, const ResultSink& sink,
                         const StopControl& stop, const Ticker& tick, const EpochReports& epochs) {
  SweepOutcome out;
  StopState state(stop.grace_seconds);
  bool told = false;
  auto check = [&] {
    if (tick) tick(1);
    poll_signals(stop, state);
    if (state.stopping() && !told) {
      told = true;
      out.signal = stop.signals->last();
      tell(stop, stop_text(stop, 1));
    }
    return state.abandon();
  };
  while (!check() && !state.stopping()) {
    std::optional<Job> job = work.next();
    if (!job) {
      if (work.exhausted()) break;
      throw std::logic_error("the scheduler has no job, none is running, and it is not done");
    }
    std::vector<FinishedJob> finished(1);
    FinishedJob& f = finished.front();
    f.job = std::move(*job);
    std::vector<EpochMetrics> so_far;
    const worker::EpochHook hook = [&](const EpochMetrics& m) -> std::string {
      so_far.push_back(m);
      if (epochs.seen) epochs.seen(f.job, m);
      return f.job.await_verdict && epochs.judge ? epochs.judge(f.job, so_far) : "";
    };
    f.result = worker::run_trial(f.job.spec, cache, ctx, check, span_of(f.job), hook);
    f.result.rung = f.job.rung;
    if (f.result.status == Status::kAbandoned) {
      ++out.abandoned;
      work.abandoned(f.job);
      tell(stop, "stopped the running trial; it continues from its saved state on resume");
      break;
    }
    sink(finished);
    work.finished(f.job, f.result);
  }
  return out;
}

}  // namespace sweep
