#include "sweep/mpi/group_comm.h"

#include <mpi.h>

#include <chrono>
#include <thread>

#include "core/errors.h"

namespace sweep {

struct GroupComm::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  ~Impl() {
    if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  }
};

namespace {

// Waits for `req`: spins (yielding) for the first 2 ms, as members of a group reach a sum
// within a step of each other, then sleeps a little longer each time (up to 1 ms), so that a
// member waiting for a slow one does not hold a shared core.
void wait_for(MPI_Request* req, const char* what) {
  const auto start = std::chrono::steady_clock::now();
  int sleep_us = 20;
  while (true) {
    int done = 0;
    mpi_check(MPI_Test(req, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    if (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2)) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
      sleep_us = std::min(sleep_us * 2, 1000);
    }
  }
}

class MpiPendingSum : public worker::TrialGroup::PendingSum {
 public:
  MpiPendingSum(float* data, std::size_t n, MPI_Comm comm) {
    mpi_check(
        MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_FLOAT, MPI_SUM, comm, &req_),
        "MPI_Iallreduce of gradients");
  }
  ~MpiPendingSum() override {
    if (req_ != MPI_REQUEST_NULL) wait();
  }
  void wait() override { wait_for(&req_, "MPI_Iallreduce of gradients"); }

 private:
  MPI_Request req_ = MPI_REQUEST_NULL;
};

}  // namespace

InjectedFault parse_injected_fault(const std::string& text) {
  InjectedFault f;
  if (text.empty()) return f;
  const std::size_t comma = text.find(',');
  const std::string member = text.substr(0, comma);
  const std::string agree = comma == std::string::npos ? "" : text.substr(comma + 1);
  try {
    if (member.rfind("member=", 0) != 0 || agree.rfind("agree=", 0) != 0) throw 0;
    f.member = std::stoi(member.substr(7));
    f.agree = std::stoi(agree.substr(6));
  } catch (...) {
    throw UsageError("SWEEP_FAULT_INJECT: expected member=M,agree=K, not '" + text + "'");
  }
  return f;
}

GroupComm::GroupComm(std::unique_ptr<Impl> impl, int rank, std::vector<int> world_ranks,
                     InjectedFault fault)
    : impl_(std::move(impl)), rank_(rank), world_ranks_(std::move(world_ranks)), fault_(fault) {}

GroupComm::~GroupComm() = default;

std::unique_ptr<GroupComm> GroupComm::split(const MpiSession& mpi, const GroupLayout& layout,
                                            const InjectedFault& fault) {
  const int g = layout.group_of(mpi.rank());
  auto impl = std::make_unique<Impl>();
  mpi_check(MPI_Comm_split(MPI_COMM_WORLD, g < 0 ? MPI_UNDEFINED : g, mpi.rank(), &impl->comm),
            "MPI_Comm_split of the trial groups");
  if (g < 0) return nullptr;
  MPI_Comm_set_errhandler(impl->comm, MPI_ERRORS_RETURN);
  int rank = 0;
  mpi_check(MPI_Comm_rank(impl->comm, &rank), "MPI_Comm_rank");
  return std::unique_ptr<GroupComm>(
      new GroupComm(std::move(impl), rank, layout.groups[static_cast<std::size_t>(g)], fault));
}

void GroupComm::sum(double* data, std::size_t n) {
  MPI_Request req;
  mpi_check(MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                           impl_->comm, &req),
            "MPI_Iallreduce");
  wait_for(&req, "MPI_Iallreduce");
}

std::unique_ptr<worker::TrialGroup::PendingSum> GroupComm::start_sum(float* data, std::size_t n) {
  return std::make_unique<MpiPendingSum>(data, n, impl_->comm);
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
  wait_for(&req, "MPI_Iallreduce of failures");
  int first = -1;
  for (std::size_t m = 0; m < failed.size() && first < 0; ++m) {
    if (failed[m] > 0) first = static_cast<int>(m);
  }
  if (first < 0) return "";
  int len = rank_ == first ? static_cast<int>(mine.size()) : 0;
  mpi_check(MPI_Ibcast(&len, 1, MPI_INT, first, impl_->comm, &req), "MPI_Ibcast");
  wait_for(&req, "MPI_Ibcast");
  std::string text(static_cast<std::size_t>(len), '\0');
  if (rank_ == first) text = mine;
  mpi_check(MPI_Ibcast(text.data(), len, MPI_CHAR, first, impl_->comm, &req), "MPI_Ibcast");
  wait_for(&req, "MPI_Ibcast");
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
