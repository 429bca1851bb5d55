#include "sweep/mpi/group_comm.h"

#include <mpi.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"

namespace sweep {

namespace {

using Clock = std::chrono::steady_clock;

// How much longer than the trial's slowest step a member may be waited for, in general and
// once a stop signal came.
constexpr double kStepFactor = 20, kStopStepFactor = 3, kStopFloorSeconds = 10, kSetupFactor = 10;

// Open MPI's osc_sm_backing_directory, read through the MPI tool interface (it may come from
// mpirun --mca, the environment or a parameter file); /dev/shm, its default, when it cannot be
// read (another MPI).
std::string shared_window_directory() {
  std::string dir;
  // At the thread level MPI runs at (Open MPI 4.1 sets the process's level from this call).
  int level = MPI_THREAD_SINGLE, provided = 0;
  MPI_Query_thread(&level);
  if (MPI_T_init_thread(level, &provided) != MPI_SUCCESS) return "/dev/shm";
  int index = -1;
  if (MPI_T_cvar_get_index("osc_sm_backing_directory", &index) == MPI_SUCCESS) {
    MPI_T_cvar_handle handle = MPI_T_CVAR_HANDLE_NULL;
    int count = 0;
    if (MPI_T_cvar_handle_alloc(index, nullptr, &handle, &count) == MPI_SUCCESS) {
      std::vector<char> text(static_cast<std::size_t>(std::max(count, 4096)) + 1, '\0');
      if (MPI_T_cvar_read(handle, text.data()) == MPI_SUCCESS) dir = text.data();
      MPI_T_cvar_handle_free(&handle);
    }
  }
  MPI_T_finalize();
  return dir.empty() ? "/dev/shm" : dir;
}

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", s);
  return text;
}

}  // namespace

struct GroupComm::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Comm node = MPI_COMM_NULL;  // the members on this node
  int node_rank = 0, node_size = 1;
  std::string backing;           // where the node's shared windows live (shared_window_directory)
  std::vector<MPI_Win> windows;  // node_memory's, freed in the order made (as on every member)
  GroupDeadline deadline;
  double step = 0;   // the trial's slowest step (0: none timed yet)
  std::string whom;  // "rank(s) 2, 3 (member(s) 2, 3 of 3)": the others, for messages
  std::string me;    // "rank 1 (member 1 of 3)"
  std::function<void(const std::string&)> broken;  // on_broken's
  // Windows are freed (a collective of the node's members) only on a normal end, when every
  // member frees its group after the sweep's last barrier. Left by an exception, the other
  // members may be anywhere: the rank goes on to MPI_Abort, which frees everything.
  ~Impl() {
    if (std::uncaught_exceptions() > 0) return;
    for (MPI_Win& w : windows) {
      MPI_Win_unlock_all(w);
      MPI_Win_free(&w);
    }
    if (node != MPI_COMM_NULL) MPI_Comm_free(&node);
    if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  }

  // Seconds a wait may last now (group_wait_limit).
  double limit() const {
    return group_wait_limit(deadline.floor_seconds, step,
                            deadline.signals != nullptr && deadline.signals->count() > 0);
  }

  // Waits for `req`: polls it, yielding the core between polls, for the first 50 ms, then
  // sleeps a little longer each time (up to 1 ms), so that a member waiting for a slow one does
  // not hold a shared core for long. A sum moves on only while its members poll it (Open MPI has
  // no progress thread): sleeping from 2 ms on, the resnet of tests/bench/data_parallel.sh
  // trained its epoch in 3.19 s against 2.77 s on average over 5 pairs of runs taken in turn on
  // a 2-core machine (docs/performance.md). Past limit(): calls `broken` (which does not
  // return), else throws GroupBroken.
  void wait(MPI_Request* req, const char* what) const {
    const auto start = Clock::now();
    for (int sleeps = 0;;) {
      int done = 0;
      mpi_check(MPI_Test(req, &done, MPI_STATUS_IGNORE), what);
      if (done) return;
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      const int sleep_us = group_poll_sleep_us(waited, sleeps);
      if (sleep_us == 0) {
        std::this_thread::yield();
        continue;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
      ++sleeps;
      const double max = limit();
      if (waited > max) {
        const std::string why =
            me + " waited " + seconds_text(waited) + " s for " + whom + " in the " + what +
            " (deadline " + seconds_text(max) +
            " s, from SWEEP_GROUP_TIMEOUT = " + seconds_text(deadline.floor_seconds) +
            " s and the trial's step times); the group cannot go on";
        if (broken) broken(why);
        throw worker::GroupBroken(why);
      }
    }
  }
};

namespace {

class MpiPendingSum : public worker::TrialGroup::PendingSum {
 public:
  // Starts the sum of `n` values of `type` at `data`; `what` names it in messages.
  MpiPendingSum(void* data, std::size_t n, MPI_Datatype type, const char* what,
                const GroupComm::Impl& group)
      : group_(group), what_(what) {
    mpi_check(
        MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(n), type, MPI_SUM, group.comm, &req_),
        "MPI_Iallreduce");
  }
  ~MpiPendingSum() override {
    if (req_ == MPI_REQUEST_NULL) return;
    try {
      wait();
    } catch (const std::exception&) {
      // A broken group: the request can never complete; the rank ends with the group.
    }
  }
  void wait() override {
    group_.wait(&req_, what_);
    req_ = MPI_REQUEST_NULL;
  }

 private:
  const GroupComm::Impl& group_;
  const char* what_;
  MPI_Request req_ = MPI_REQUEST_NULL;
};

}  // namespace

InjectedFault parse_injected_fault(const std::string& text) {
  InjectedFault f;
  if (text.empty()) return f;
  const std::size_t comma = text.find(',');
  const std::string member = text.substr(0, comma);
  std::string where = comma == std::string::npos ? "" : text.substr(comma + 1);
  const std::string oom = ",oom";
  if (where.size() > oom.size() && where.compare(where.size() - oom.size(), oom.size(), oom) == 0) {
    f.out_of_memory = true;
    where.resize(where.size() - oom.size());
  }
  // A whole number >= 0, digits only (std::stoi would take "2x" as 2).
  auto number = [](const std::string& digits) {
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      throw 0;
    }
    return std::stoi(digits);
  };
  std::string points;
  for (const char* p : worker::kFaultPoints) points += std::string(p) + ", ";
  points += worker::kShareFaultPoint;
  try {
    if (member.rfind("member=", 0) != 0) throw 0;
    f.member = number(member.substr(7));
    if (where.rfind("agree=", 0) == 0) {
      f.agree = number(where.substr(6));
      if (f.agree < 1) throw 0;
    } else if (where.rfind("at=", 0) == 0) {
      const std::size_t colon = where.find(':');
      f.point = where.substr(3, colon == std::string::npos ? std::string::npos : colon - 3);
      if (colon != std::string::npos) f.count = number(where.substr(colon + 1));
      if (f.count < 1) throw 0;
      bool known = f.point == worker::kShareFaultPoint;
      for (const char* p : worker::kFaultPoints) known = known || f.point == p;
      if (!known) throw 0;
    } else {
      throw 0;
    }
    if (f.out_of_memory && f.point.empty()) throw 0;  // an agreement fails with no allocation
  } catch (...) {
    throw UsageError(
        "SWEEP_FAULT_INJECT: expected member=M,agree=K or member=M,at=POINT[:K][,oom] (M, K: "
        "whole numbers; POINT one of " +
        points + "), not '" + text + "'");
  }
  return f;
}

double parse_group_timeout(const std::string& text) {
  if (text.empty()) return GroupDeadline{}.floor_seconds;
  std::size_t used = 0;
  double s = 0;
  try {
    s = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used != text.size() || !(s > 0)) {
    throw UsageError("SWEEP_GROUP_TIMEOUT: expected seconds > 0, not '" + text + "'");
  }
  return s;
}

int group_poll_sleep_us(double waited, int sleeps) {
  if (waited < 0.05) return 0;
  int us = 20;
  for (int i = 0; i < sleeps && us < 1000; ++i) us *= 2;
  return std::min(us, 1000);
}

double group_wait_limit(double floor_seconds, double slowest_step, bool stopping) {
  // Before the first step, loading data and building the model may take the members longer
  // apart than any step.
  if (slowest_step <= 0) return kSetupFactor * floor_seconds;
  const double normal = std::max(floor_seconds, kStepFactor * slowest_step);
  if (stopping)
    return std::min(normal, std::max(kStopFloorSeconds, kStopStepFactor * slowest_step));
  return normal;
}

GroupComm::GroupComm(std::unique_ptr<Impl> impl, int rank, std::vector<int> world_ranks,
                     InjectedFault fault)
    : impl_(std::move(impl)), rank_(rank), world_ranks_(std::move(world_ranks)), fault_(fault) {}

GroupComm::~GroupComm() = default;

std::unique_ptr<GroupComm> GroupComm::split(const MpiSession& mpi, const GroupLayout& layout,
                                            const GroupDeadline& deadline,
                                            const InjectedFault& fault) {
  const int g = layout.group_of(mpi.rank());
  auto impl = std::make_unique<Impl>();
  mpi_check(MPI_Comm_split(MPI_COMM_WORLD, g < 0 ? MPI_UNDEFINED : g, mpi.rank(), &impl->comm),
            "MPI_Comm_split of the trial groups");
  if (g < 0) return nullptr;
  MPI_Comm_set_errhandler(impl->comm, MPI_ERRORS_RETURN);
  int rank = 0;
  mpi_check(MPI_Comm_rank(impl->comm, &rank), "MPI_Comm_rank");
  const std::vector<int>& ranks = layout.groups[static_cast<std::size_t>(g)];
  const std::string of = " of " + std::to_string(ranks.size());
  std::string others, numbers;
  for (std::size_t m = 0; m < ranks.size(); ++m) {
    if (static_cast<int>(m) == rank) continue;
    others += (others.empty() ? "" : ", ") + std::to_string(ranks[m]);
    numbers += (numbers.empty() ? "" : ", ") + std::to_string(m + 1);
  }
  mpi_check(MPI_Comm_split_type(impl->comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &impl->node),
            "MPI_Comm_split_type of a trial group by node");
  MPI_Comm_set_errhandler(impl->node, MPI_ERRORS_RETURN);
  mpi_check(MPI_Comm_rank(impl->node, &impl->node_rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(impl->node, &impl->node_size), "MPI_Comm_size");
  impl->backing = shared_window_directory();
  impl->deadline = deadline;
  impl->whom = "rank(s) " + others + " (member(s) " + numbers + of + ")";
  impl->me =
      "rank " + std::to_string(mpi.rank()) + " (member " + std::to_string(rank + 1) + of + ")";
  return std::unique_ptr<GroupComm>(new GroupComm(std::move(impl), rank, ranks, fault));
}

void GroupComm::sum(double* data, std::size_t n) {
  MPI_Request req;
  mpi_check(MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                           impl_->comm, &req),
            "MPI_Iallreduce");
  impl_->wait(&req, "group's sum");
}

std::unique_ptr<worker::TrialGroup::PendingSum> GroupComm::start_sum(float* data, std::size_t n) {
  return std::make_unique<MpiPendingSum>(data, n, MPI_FLOAT, "gradient sum", *impl_);
}

std::unique_ptr<worker::TrialGroup::PendingSum> GroupComm::start_sum_doubles(double* data,
                                                                             std::size_t n) {
  return std::make_unique<MpiPendingSum>(data, n, MPI_DOUBLE, "step's sum", *impl_);
}

void GroupComm::step_seconds(double seconds) { impl_->step = seconds; }

int GroupComm::node_rank() const { return impl_->node_rank; }
int GroupComm::node_size() const { return impl_->node_size; }

std::string GroupComm::node_broadcast(const std::string& text) {
  std::uint64_t len = impl_->node_rank == 0 ? text.size() : 0;
  MPI_Request req;
  mpi_check(MPI_Ibcast(&len, 1, MPI_UINT64_T, 0, impl_->node, &req), "MPI_Ibcast");
  impl_->wait(&req, "node's data share");
  std::string out = impl_->node_rank == 0 ? text : std::string(len, '\0');
  // In pieces that an int counts.
  for (std::uint64_t at = 0; at < len;) {
    const int n = static_cast<int>(std::min<std::uint64_t>(len - at, 1u << 30));
    mpi_check(MPI_Ibcast(out.data() + at, n, MPI_CHAR, 0, impl_->node, &req), "MPI_Ibcast");
    impl_->wait(&req, "node's data share");
    at += static_cast<std::uint64_t>(n);
  }
  return out;
}

bool GroupComm::node_all(bool ok) {
  int all = ok ? 1 : 0;
  MPI_Request req;
  mpi_check(MPI_Iallreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, impl_->node, &req),
            "MPI_Iallreduce");
  impl_->wait(&req, "node's data share");
  return all == 1;
}

worker::TrialGroup::Room GroupComm::node_memory_room() const {
  Room room;
  room.where = impl_->backing;
  struct statvfs fs {};
  if (statvfs(impl_->backing.c_str(), &fs) == 0) {
    room.free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  }
  return room;
}

std::uint8_t* GroupComm::node_memory(std::size_t bytes,
                                     const std::function<void(std::uint8_t*)>& fill) {
  const bool filler = impl_->node_rank == 0;
  // MPI_Win_allocate_shared blocks until every member of the node calls it, with no deadline: a
  // barrier with one first, so that a member that does not come breaks the group (GroupBroken)
  // instead of holding the others forever.
  MPI_Request arrived;
  mpi_check(MPI_Ibarrier(impl_->node, &arrived), "MPI_Ibarrier");
  impl_->wait(&arrived, "node's data share");
  void* mine = nullptr;
  MPI_Win win = MPI_WIN_NULL;
  mpi_check(
      MPI_Win_allocate_shared(static_cast<MPI_Aint>(filler ? std::max<std::size_t>(bytes, 1) : 0),
                              1, MPI_INFO_NULL, impl_->node, &mine, &win),
      "MPI_Win_allocate_shared of a data set's pixels");
  impl_->windows.push_back(win);
  mpi_check(MPI_Win_lock_all(MPI_MODE_NOCHECK, win), "MPI_Win_lock_all");
  MPI_Aint size = 0;
  int unit = 0;
  void* base = nullptr;
  mpi_check(MPI_Win_shared_query(win, 0, &size, &unit, &base), "MPI_Win_shared_query");
  auto* at = static_cast<std::uint8_t*>(base);
  std::string failure;
  if (filler) {
    try {
      fill(at);
    } catch (const std::exception& e) {
      failure = e.what();
      if (failure.empty()) failure = "failed";
    }
    mpi_check(MPI_Win_sync(win), "MPI_Win_sync");
  }
  failure = node_broadcast(failure);  // also the barrier after the fill
  mpi_check(MPI_Win_sync(win), "MPI_Win_sync");
  if (!failure.empty()) {  // every member frees it: no window kept for a failed fill
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    impl_->windows.pop_back();
    throw std::runtime_error(failure);
  }
  return at;
}

void GroupComm::on_broken(std::function<void(const std::string&)> report) {
  impl_->broken = std::move(report);
}

worker::Fault GroupComm::inject_fault(const std::string& point) {
  if (rank_ != fault_.member || point != fault_.point || ++reached_[point] != fault_.count) {
    return worker::Fault::kNone;
  }
  return fault_.out_of_memory ? worker::Fault::kOutOfMemory : worker::Fault::kError;
}

void GroupComm::progress() {
  int flag = 0;
  mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, impl_->comm, &flag, MPI_STATUS_IGNORE),
            "MPI_Iprobe");  // any MPI call lets Open MPI move pending operations on
}

std::string GroupComm::agree(const std::string& failure) {
  std::string mine = failure;
  if (++agreements_ == fault_.agree && rank_ == fault_.member && mine.empty()) {
    mine = "injected fault (SWEEP_FAULT_INJECT) at agreement " + std::to_string(agreements_);
  }
  std::vector<int> failed(world_ranks_.size(), 0);
  failed[static_cast<std::size_t>(rank_)] = mine.empty() ? 0 : 1;
  MPI_Request req;
  mpi_check(MPI_Iallreduce(MPI_IN_PLACE, failed.data(), static_cast<int>(failed.size()), MPI_INT,
                           MPI_SUM, impl_->comm, &req),
            "MPI_Iallreduce of failures");
  impl_->wait(&req, "agreement");
  int first = -1;
  for (std::size_t m = 0; m < failed.size() && first < 0; ++m) {
    if (failed[m] > 0) first = static_cast<int>(m);
  }
  if (first < 0) return "";
  int len = rank_ == first ? static_cast<int>(mine.size()) : 0;
  mpi_check(MPI_Ibcast(&len, 1, MPI_INT, first, impl_->comm, &req), "MPI_Ibcast");
  impl_->wait(&req, "agreement");
  std::string text(static_cast<std::size_t>(len), '\0');
  if (rank_ == first) text = mine;
  mpi_check(MPI_Ibcast(text.data(), len, MPI_CHAR, first, impl_->comm, &req), "MPI_Ibcast");
  impl_->wait(&req, "agreement");
  return "on rank " + std::to_string(world_ranks_[static_cast<std::size_t>(first)]) + " (member " +
         std::to_string(first + 1) + " of " + std::to_string(size()) + " training it): " + text;
}

void GroupComm::tell_members(Tag tag, const Bytes& body) {
  for (int m = 1; m < size(); ++m) {
    mpi_check(MPI_Send(body.data(), static_cast<int>(body.size()), MPI_BYTE, m,
                       static_cast<int>(tag), impl_->comm),
              "MPI_Send to a group member");
  }
}

Message GroupComm::wait_leader(const WaitPolicy& policy) {
  const auto start = std::chrono::steady_clock::now();
  int sleep_us = 50;
  MPI_Message handle;
  MPI_Status st;
  int found = 0;
  while (true) {
    mpi_check(MPI_Improbe(0, MPI_ANY_TAG, impl_->comm, &found, &handle, &st), "MPI_Improbe");
    if (found) break;
    if (std::chrono::steady_clock::now() - start < std::chrono::microseconds(policy.spin_us)) {
      std::this_thread::yield();
      continue;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
    sleep_us = std::min(sleep_us * 2, std::max(50, policy.ceiling_us));
  }
  int n = 0;
  mpi_check(MPI_Get_count(&st, MPI_BYTE, &n), "MPI_Get_count");
  Message m;
  m.source = 0;
  m.tag = static_cast<Tag>(st.MPI_TAG);
  m.body.resize(static_cast<std::size_t>(n));
  mpi_check(MPI_Mrecv(m.body.data(), n, MPI_BYTE, &handle, MPI_STATUS_IGNORE), "MPI_Mrecv");
  return m;
}

}  // namespace sweep
