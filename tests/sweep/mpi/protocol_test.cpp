#include "sweep/mpi/protocol.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/core/distinct_result.h"

namespace sweep {
namespace {

TEST(Protocol, SpecRoundTrip) {
  TrialSpec s;
  s.trial_id = 0xdeadbeefcafef00dULL;
  s.params = {{"filters", "16"}, {"data_dir", "/a b/c"}, {"empty", ""}};
  TrialSpec back = decode_spec(encode_spec(s));
  EXPECT_EQ(back.trial_id, s.trial_id);
  EXPECT_EQ(back.params, s.params);
}

TEST(Protocol, ResultRoundTripKeepsEveryField) {
  TrialResult r;
  r.trial_id = 42;
  r.status = Status::kDiverged;
  r.message = "non-finite loss";
  r.epochs = {{1, 2.3, 0.1, 2.2, 0.15, 1.5},
              {2, 1.1, 0.6, TrialResult::kNaN, TrialResult::kNaN, 1.4}};
  r.val_acc = 0.5;
  r.test_acc = 0.25;
  r.macro_f1 = 0.2;
  r.auc = 0.75;
  r.qwk = 0.5;
  r.best_epoch = 1;
  r.checkpoint = "x.h5.checkpoints/000000000000002a.pt";
  r.num_classes = 2;
  r.confusion = {5, 1, 2, 7};
  r.mistakes = {{17, 1, 0, 0.96875}, {3, 0, 1, 0.5}};
  r.robustness = {{"rotation", 15, 0.625, 0.5}, {"contrast", 0.2, 0.25, 0.125}};
  r.robust_acc = 0.4375;
  r.activations = {{"stage1.block2.relu1", 64, 0.015625}, {"backbone", 512, 0}};
  r.calibration = {{0, 3, 0.0625, 0}, {13, 1000, 0.90625, 0.875}};
  r.eval_split = "test";
  r.epochs_run = 2;
  r.wall_seconds = 3.5;
  r.train_samples_per_s = 999;
  r.sync_seconds = 0.125;
  r.rank = 3;
  r.threads = 2;
  r.host = "node01";
  r.device = "cpu";
  r.memory_format = "channels_last";
  r.started_unix = 1.5e9;
  r.finished_unix = 1.5e9 + 3;
  TrialResult b = decode_result(encode_result(r));
  EXPECT_EQ(b.trial_id, 42u);
  EXPECT_EQ(b.status, Status::kDiverged);
  EXPECT_EQ(b.message, r.message);
  ASSERT_EQ(b.epochs.size(), 2u);
  EXPECT_EQ(b.epochs[0].val_acc, 0.15);
  EXPECT_TRUE(std::isnan(b.epochs[1].val_loss));
  EXPECT_TRUE(std::isnan(b.val_loss));
  EXPECT_EQ(b.test_acc, 0.25);
  EXPECT_EQ(b.auc, 0.75);
  EXPECT_EQ(b.qwk, 0.5);
  EXPECT_EQ(b.best_epoch, 1);
  EXPECT_EQ(b.checkpoint, r.checkpoint);
  EXPECT_EQ(b.confusion, r.confusion);
  EXPECT_EQ(b.mistakes, r.mistakes);
  EXPECT_EQ(b.robustness, r.robustness);
  EXPECT_EQ(b.robust_acc, r.robust_acc);
  EXPECT_EQ(b.activations, r.activations);
  EXPECT_EQ(b.calibration, r.calibration);
  EXPECT_EQ(b.eval_split, "test");
  EXPECT_EQ(b.rank, 3);
  EXPECT_EQ(b.threads, 2);
  EXPECT_EQ(b.train_samples_per_s, 999);
  EXPECT_EQ(b.sync_seconds, 0.125);
  EXPECT_EQ(b.memory_format, "channels_last");
  EXPECT_EQ(b.host, "node01");
  EXPECT_EQ(b.finished_unix, r.finished_unix);
}

TEST(Protocol, EveryResultColumnRoundTripsApart) {
  const TrialResult r = testing::distinct_result(0x1234567890abcdefULL);
  const TrialResult b = decode_result(encode_result(r));
  EXPECT_SAME_RESULT_COLUMNS(r, b);
}

TEST(Protocol, EveryStatusRoundTripsAndOthersAreRejected) {
  for (Status st :
       {Status::kOk, Status::kFailed, Status::kDiverged, Status::kAbandoned, Status::kPruned}) {
    TrialResult r;
    r.status = st;
    EXPECT_EQ(decode_result(encode_result(r)).status, st) << status_name(st);
  }
  TrialResult r;
  Bytes b = encode_result(r);
  b[sizeof(std::uint64_t)] = 5;  // the status byte follows the trial id
  EXPECT_THROW(decode_result(b), std::runtime_error);
}

TEST(Protocol, JobRoundTrip) {
  Job j;
  j.spec.trial_id = 42;
  j.spec.params = {{"filters", "8"}, {"epochs", "9"}};
  j.rung = 2;
  j.from_epoch = 3;
  j.to_epoch = 9;
  j.state = "a.h5.state/000000000000002a.state";
  j.keep_state = true;
  j.checkpoint_to = "a.h5.checkpoints/000000000000002a.pt";
  const Job k = decode_job(encode_job(j));
  EXPECT_EQ(k.spec.trial_id, 42u);
  EXPECT_EQ(k.spec.params, j.spec.params);
  EXPECT_EQ(k.rung, 2);
  EXPECT_EQ(k.from_epoch, 3);
  EXPECT_EQ(k.to_epoch, 9);
  EXPECT_EQ(k.state, j.state);
  EXPECT_TRUE(k.keep_state);
  EXPECT_EQ(k.checkpoint_to, j.checkpoint_to);
  EXPECT_FALSE(k.await_verdict);
  j.await_verdict = true;
  EXPECT_TRUE(decode_job(encode_job(j)).await_verdict);
  Bytes b = encode_job(j);
  b.pop_back();
  EXPECT_THROW(decode_job(b), std::runtime_error);
}

TEST(Protocol, EpochReportsAndVerdictsRoundTrip) {
  EpochReport e;
  e.trial_id = 0xabcdef;
  e.metrics.epoch = 7;
  e.metrics.train_loss = 0.5;
  e.metrics.train_acc = 0.8;
  e.metrics.val_loss = 0.6;
  e.metrics.val_acc = 0.75;
  e.metrics.seconds = 12.5;
  const EpochReport f = decode_epoch(encode_epoch(e));
  EXPECT_EQ(f.trial_id, e.trial_id);
  EXPECT_EQ(f.metrics.epoch, 7);
  EXPECT_EQ(f.metrics.train_loss, 0.5);
  EXPECT_EQ(f.metrics.train_acc, 0.8);
  EXPECT_EQ(f.metrics.val_loss, 0.6);
  EXPECT_EQ(f.metrics.val_acc, 0.75);
  EXPECT_EQ(f.metrics.seconds, 12.5);
  Bytes b = encode_epoch(e);
  b.pop_back();
  EXPECT_THROW(decode_epoch(b), std::runtime_error);
  EXPECT_EQ(decode_text(encode_text("")), "");
  EXPECT_EQ(decode_text(encode_text("stopped at epoch 2")), "stopped at epoch 2");
  Bytes t = encode_text("why");
  t.push_back('x');
  EXPECT_THROW(decode_text(t), std::runtime_error);
}

TEST(Protocol, PrepareMessagesRoundTrip) {
  const ImageRange r = decode_range(encode_range({16, 24}));
  EXPECT_EQ(r.begin, 16);
  EXPECT_EQ(r.end, 24);
  std::vector<PreparedImage> in(2);
  in[0].index = 16;
  in[0].hash = 0xabcdef;
  in[0].planes = {1, 2, 3, 0, 255};
  in[1].index = 17;
  in[1].error = "x.jpeg: corrupt JPEG";
  const std::vector<PreparedImage> out = decode_prepared(encode_prepared(in));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].index, 16);
  EXPECT_EQ(out[0].hash, 0xabcdefu);
  EXPECT_EQ(out[0].planes, in[0].planes);
  EXPECT_EQ(out[1].error, in[1].error);
  EXPECT_TRUE(out[1].planes.empty());
  Bytes b = encode_prepared(in);
  b.pop_back();
  EXPECT_THROW(decode_prepared(b), std::runtime_error);
}

TEST(Protocol, TruncatedMessagesAreRejected) {
  TrialResult r;
  r.message = "x";
  Bytes b = encode_result(r);
  b.pop_back();
  EXPECT_THROW(decode_result(b), std::runtime_error);
  Bytes s = encode_spec(TrialSpec{});
  s.push_back('x');
  EXPECT_THROW(decode_spec(s), std::runtime_error);
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(Protocol, ACountTheBytesCannotHoldIsRejectedBeforeAnythingIsAllocated) {
  // Found by protocol_fuzz: a 4-byte prepare message whose count said 16 million images made
  // the decoder allocate 1.6 GB of empty images before it found the message truncated.
  const Bytes prepared = {'\xff', '\xff', '\xff', '\x00'};
  EXPECT_THROW(decode_prepared(prepared), std::runtime_error);
  // The same for a spec's parameters and a result's confusion matrix.
  Bytes spec(8, '\0');
  for (char c : {'\x00', '\x00', '\x00', '\x01'}) spec.push_back(c);  // 16 million parameters
  EXPECT_THROW(decode_spec(spec), std::runtime_error);
  // Counts that the bytes can hold still decode.
  PreparedImage one;
  one.index = 1;
  EXPECT_EQ(decode_prepared(encode_prepared({one, one})).size(), 2u);
}

}  // namespace
}  // namespace sweep
