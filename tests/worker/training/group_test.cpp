// A trial trained by a group of members, in one process (thread_group.h), against the same
// trial alone: the arithmetic of data-parallel training (plain SGD shows a gradient that is off
// by any factor), and that a member's failure at any point of a step or an epoch fails the
// trial on every member without one waiting for another.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "../test_files.h"
#include "core/errors.h"
#include "sweep/grid/grid.h"
#include "thread_group.h"
#include "worker/training/robustness_eval.h"
#include "worker/training/trial_training.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

class Group : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure_runtime(1);
    dir_ = new std::string(sweep::test::make_temp_dir("group"));
    sweep::test::write_idx_set(*dir_, sweep::test::synthetic_images(500, 3, 1),
                               sweep::test::synthetic_images(90, 3, 2), true);
  }
  // 400 training rows in batches of 37 (10 full, then 30), class weights from slightly uneven
  // classes, label smoothing, plain SGD: what the summed gradient must get exactly right.
  // `more`: lines of further keys; a line of one of those above replaces it.
  static TrialSpec trial(const std::string& more = "") {
    std::string text = "dataset = idx\ndata_dir = " + *dir_ +
                       "\nepochs = 2\nfilters = 4\ndense_units = 16\nbatch_size = 37\n"
                       "val_split = 0.2\noptimizer = sgd\nmomentum = 0\n"
                       "learning_rate = 0.05\nlabel_smoothing = 0.1\n"
                       "class_weights = balanced\ndropout = 0\n";
    std::size_t at = 0;
    for (std::size_t end; (end = more.find('\n', at)) != std::string::npos; at = end + 1) {
      const std::string line = more.substr(at, end - at + 1);
      const std::string key = "\n" + line.substr(0, line.find(" = ") + 3);
      const std::size_t old = text.find(key);
      if (old == std::string::npos) {
        text += line;
      } else {
        text.replace(old + 1, text.find('\n', old + 1) - old, line);
      }
    }
    return expand(parse_grid_text(text, "g.ini")).specs().front();
  }
  static std::string* dir_;
};
std::string* Group::dir_ = nullptr;

// Runs fn(member) on `size` threads at once; fails the test (instead of hanging) when one
// does not return within a minute.
template <typename Fn>
void on_threads(int size, const Fn& fn) {
  std::vector<std::future<void>> done;
  for (int m = 0; m < size; ++m) done.push_back(std::async(std::launch::async, fn, m));
  for (auto& d : done) {
    ASSERT_EQ(d.wait_for(std::chrono::seconds(90)), std::future_status::ready)
        << "a member did not return: the group hangs";
  }
  for (auto& d : done) d.get();
}

// The members of a group of `size` in this process, each a TrialTraining of `spec` on `data`
// through its ThreadMember (kept in `groups`) of `hub`; with `alone`, each given its weights and
// buffers.
std::vector<std::unique_ptr<TrialTraining>> make_members(
    test::ThreadHub& hub, std::vector<std::unique_ptr<test::ThreadMember>>& groups, int size,
    const TrialSpec& spec, const LoadedData& data, TrialTraining* alone = nullptr) {
  std::vector<std::unique_ptr<TrialTraining>> members;
  for (int m = 0; m < size; ++m) {
    groups.push_back(std::make_unique<test::ThreadMember>(hub, m));
    members.push_back(
        std::make_unique<TrialTraining>(spec, data, torch::kCPU, groups.back().get()));
    if (alone == nullptr) continue;
    torch::NoGradGuard no_grad;
    const auto from = alone->model().named_parameters(true);
    for (auto& p : members.back()->model().named_parameters(true)) p.value().copy_(from[p.key()]);
    const auto buffers = alone->model().named_buffers(true);
    for (auto& b : members.back()->model().named_buffers(true)) b.value().copy_(buffers[b.key()]);
  }
  return members;
}

TEST_F(Group, MembersTrainTheOneRankTrialToTheSameWeights) {
  const TrialSpec spec = trial();
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  TrialTraining alone(spec, data, torch::kCPU);
  ASSERT_EQ(alone.order(1).size(0), 400);  // 10 batches of 37 and one of 30
  alone.train_epoch(alone.order(1), 1, nullptr);
  for (int size : {2, 3}) {
    test::ThreadHub hub(size);
    std::vector<std::unique_ptr<test::ThreadMember>> groups;
    const auto members = make_members(hub, groups, size, spec, data);
    on_threads(size, [&](int m) {
      TrialTraining& t = *members[static_cast<std::size_t>(m)];
      t.train_epoch(t.order(1), 1, nullptr);
    });
    const auto want = alone.model().parameters();
    double worst = 0;  // the largest difference relative to its parameter's scale
    for (int m = 0; m < size; ++m) {
      const auto got = members[static_cast<std::size_t>(m)]->model().parameters();
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t k = 0; k < want.size(); ++k) {
        const double scale = want[k].abs().max().item<double>();
        const double off = (got[k] - want[k]).abs().max().item<double>();
        EXPECT_LE(off, 1e-6 * scale) << "R = " << size << ", member " << m << ", parameter " << k;
        worst = std::max(worst, off / scale);
      }
      // The gradients' sums started inside backward (the overlap), in every step.
      EXPECT_GE(members[static_cast<std::size_t>(m)]->overlapped_buckets(), 11u);
    }
    std::printf("R = %d: every member's weights within %.1e of one rank's, relative\n", size,
                worst);
    // Evaluated in shares, the group's calibration is that of the whole test set.
    const EvalResult whole = alone.evaluate_test();
    std::vector<EvalResult> shares(static_cast<std::size_t>(size));
    on_threads(size, [&](int m) {
      shares[static_cast<std::size_t>(m)] = members[static_cast<std::size_t>(m)]->evaluate_test();
    });
    ASSERT_EQ(whole.calibration.total_rows(), 90);
    for (const EvalResult& s : shares) {
      EXPECT_EQ(s.calibration.total_rows(), 90);
      EXPECT_NEAR(s.calibration.ece(), whole.calibration.ece(), 1e-5);
      EXPECT_NEAR(s.calibration.brier(), whole.calibration.brier(), 1e-5);
      EXPECT_EQ(s.confusion, whole.confusion);
    }
    // The training itself moved the weights far more than the tolerance.
    TrialTraining fresh(spec, data, torch::kCPU);
    EXPECT_GT((fresh.model().parameters()[0] - want[0]).abs().max().item<double>(),
              1e-3 * want[0].abs().max().item<double>());
  }
}

TEST_F(Group, RobustnessPassesAreTheCleanOneAtBrightnessOneAndTheSameInShares) {
  const TrialSpec spec = trial();
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  TrialTraining alone(spec, data, torch::kCPU);
  for (int e = 1; e <= 4; ++e) alone.train_epoch(alone.order(e), e, nullptr);
  // Brightness 1.0 goes through the 0-1 scale and back: the clean evaluation, bit for bit.
  const EvalResult clean = alone.evaluate_test();
  const PixelTransform same = perturbation_transform(Perturbation::kBrightness, 1.0, 7);
  const EvalResult one = alone.evaluate_test(0, &same);
  EXPECT_EQ(one.loss, clean.loss);
  EXPECT_EQ(one.accuracy, clean.accuracy);
  EXPECT_EQ(one.confusion, clean.confusion);
  EXPECT_EQ(one.calibration.ece(), clean.calibration.ece());
  // Darker images change the predictions, or the check would see nothing.
  const PixelTransform dark = perturbation_transform(Perturbation::kBrightness, 0.2, 7);
  EXPECT_NE(alone.evaluate_test(0, &dark).loss, clean.loss);
  std::printf("clean accuracy %.3f, at brightness 0.2 %.3f\n", clean.accuracy,
              alone.evaluate_test(0, &dark).accuracy);
  // Noise: each image's own draw, whatever the batches: 90 images in batches of 256 or of 7.
  const PixelTransform noise = perturbation_transform(Perturbation::kNoise, 0.2, 7);
  const Normalization& norm = alone.normalization();
  const EvalResult big =
      evaluate(alone.model(), data.test, torch::Tensor(), data.classes, norm, 0, 256, &noise);
  const EvalResult small =
      evaluate(alone.model(), data.test, torch::Tensor(), data.classes, norm, 0, 7, &noise);
  EXPECT_EQ(big.confusion, small.confusion);
  EXPECT_NEAR(big.loss, small.loss, 1e-6);
  EXPECT_NE(big.loss, clean.loss);  // the noise does something
  const PixelTransform other_seed = perturbation_transform(Perturbation::kNoise, 0.2, 8);
  EXPECT_NE(
      evaluate(alone.model(), data.test, torch::Tensor(), data.classes, norm, 0, 256, &other_seed)
          .loss,
      big.loss);
  // A group of 2 holding the same weights evaluates the same points in its shares.
  const std::vector<RobustnessCheck> checks = parse_robustness("brightness:0.2/1, noise:0.2");
  const std::vector<RobustnessPoint> want = evaluate_robustness(
      checks, 7, data.classes, [&](const PixelTransform& f) { return alone.evaluate_test(0, &f); });
  ASSERT_EQ(want.size(), 3u);
  EXPECT_EQ(want[1].accuracy, clean.accuracy);
  EXPECT_EQ(want[2].perturbation, "noise");
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data, &alone);
  std::vector<std::vector<RobustnessPoint>> got(2);
  on_threads(2, [&](int m) {
    TrialTraining& t = *members[static_cast<std::size_t>(m)];
    got[static_cast<std::size_t>(m)] = evaluate_robustness(
        checks, 7, data.classes, [&](const PixelTransform& f) { return t.evaluate_test(0, &f); });
  });
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(g[i].perturbation, want[i].perturbation);
      EXPECT_EQ(g[i].level, want[i].level);
      EXPECT_EQ(g[i].accuracy, want[i].accuracy) << i;
      EXPECT_EQ(g[i].macro_f1, want[i].macro_f1) << i;
    }
  }
  // Dead units: a unit that fired in either member's share fired in the whole set.
  const std::vector<ActivationLayer> dead = alone.dead_units(true);
  ASSERT_EQ(dead.size(), 5u);  // the cnn's 4 conv ReLUs (2 blocks) and its dense ReLU
  std::vector<std::vector<ActivationLayer>> shared(2);
  on_threads(2, [&](int m) {
    shared[static_cast<std::size_t>(m)] = members[static_cast<std::size_t>(m)]->dead_units(true);
  });
  EXPECT_EQ(shared[0], dead);
  EXPECT_EQ(shared[1], dead);
  EXPECT_EQ(mean_accuracy(want), (want[0].accuracy + want[1].accuracy + want[2].accuracy) / 3);
  EXPECT_TRUE(std::isnan(mean_accuracy({})));
}

TEST_F(Group, TwoClassScoresAreSummedSoTheAucIsTheWholeSets) {
  // Two classes: each image's score goes to its slot and the members' slots are summed, so a
  // group's ROC AUC is the one of the whole test set (docs/performance.md).
  const std::string dir = sweep::test::make_temp_dir("group2");
  sweep::test::write_idx_set(dir, sweep::test::synthetic_images(300, 2, 5),
                             sweep::test::synthetic_images(91, 2, 6), true);
  const TrialSpec spec =
      expand(parse_grid_text("dataset = idx\ndata_dir = " + dir +
                                 "\nepochs = 1\nfilters = 4\ndense_units = 8\ndropout = 0\n",
                             "g.ini"))
          .specs()
          .front();
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  ASSERT_EQ(data.classes, 2);
  TrialTraining alone(spec, data, torch::kCPU);
  alone.train_epoch(alone.order(1), 1, nullptr);
  const EvalResult whole = alone.evaluate_test();
  ASSERT_TRUE(std::isfinite(whole.auc));
  for (int size : {2, 3}) {
    test::ThreadHub hub(size);
    std::vector<std::unique_ptr<test::ThreadMember>> groups;
    const auto members = make_members(hub, groups, size, spec, data, &alone);
    std::vector<EvalResult> got(static_cast<std::size_t>(size));
    on_threads(size, [&](int m) {
      got[static_cast<std::size_t>(m)] = members[static_cast<std::size_t>(m)]->evaluate_test();
    });
    for (const EvalResult& g : got) {
      EXPECT_EQ(g.confusion, whole.confusion) << size;
      EXPECT_NEAR(g.auc, whole.auc, 1e-12) << size;
      EXPECT_NEAR(g.loss, whole.loss, 1e-6) << size;
    }
  }
}

// The largest difference between `got`'s and `want`'s weights, relative to each tensor's
// largest weight.
double relative_difference(TrialTraining& got, TrialTraining& want) {
  const auto a = got.model().parameters(), b = want.model().parameters();
  double worst = 0;
  for (std::size_t k = 0; k < b.size(); ++k) {
    worst =
        std::max(worst, (a[k] - b[k]).abs().max().item<double>() / b[k].abs().max().item<double>());
  }
  return worst;
}

TEST_F(Group, AStepWaitsForTheOthersOnceAfterBackward) {
  // Each step starts its small sum after the forward pass and waits for nothing until backward
  // has started the gradient sums: the members meet once a step, after backward.
  const TrialSpec spec = trial();
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data);
  on_threads(2, [&](int m) {
    TrialTraining& t = *members[static_cast<std::size_t>(m)];
    t.train_epoch(t.order(1), 1, nullptr);
  });
  for (const auto& g : groups) {
    const std::vector<std::string>& e = g->events;
    std::size_t steps = 0;
    for (std::size_t i = 0; i < e.size(); ++i) {
      EXPECT_NE(e[i], "sum") << "a blocking sum inside a training step, event " << i;
      if (e[i] != "start_doubles") continue;
      ++steps;
      ASSERT_LT(i + 1, e.size());
      EXPECT_EQ(e[i + 1], "start") << "step " << steps << " waited before backward's sums";
    }
    EXPECT_EQ(steps, 11u);  // 10 batches of 37 and one of 30
  }
}

TEST_F(Group, AugmentedImagesAreTheSameWhicheverMemberTrainsThem) {
  // Each member augments the whole batch from the trial's generator and keeps its share, so a
  // group trains the one-rank trial also with augmentation (which draws for every image).
  const TrialSpec spec =
      trial("train_subset = 150\nhflip = true\nrotation = 15\ntranslate = 0.1\nbrightness = 0.3\n");
  const TrialSpec plain = trial("train_subset = 150\n");
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  TrialTraining alone(spec, data, torch::kCPU), unaugmented(plain, data, torch::kCPU);
  alone.train_epoch(alone.order(1), 1, nullptr);
  unaugmented.train_epoch(unaugmented.order(1), 1, nullptr);
  // Augmentation changed the training far beyond the tolerance.
  ASSERT_GT(relative_difference(unaugmented, alone), 1e-3);
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data);
  on_threads(2, [&](int m) {
    TrialTraining& t = *members[static_cast<std::size_t>(m)];
    t.train_epoch(t.order(1), 1, nullptr);
  });
  for (const auto& m : members) EXPECT_LE(relative_difference(*m, alone), 1e-6);
}

TEST_F(Group, ANonFiniteLossEndsEveryMemberAtTheSameBatch) {
  // A learning rate that blows the weights up: the loss a member sees is the sum over the
  // members, so all of them throw Diverged at the same batch, where one rank does too.
  const TrialSpec spec = trial("learning_rate = 10\n");
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  TrialTraining alone(spec, data, torch::kCPU);
  std::string alone_message;
  try {
    alone.train_epoch(alone.order(1), 1, nullptr);
  } catch (const Diverged& e) {
    alone_message = e.what();
  }
  ASSERT_FALSE(alone_message.empty()) << "the trial alone did not diverge";
  std::printf("alone: %s\n", alone_message.c_str());
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data);
  std::vector<std::string> messages(2);
  on_threads(2, [&](int m) {
    TrialTraining& t = *members[static_cast<std::size_t>(m)];
    try {
      t.train_epoch(t.order(1), 1, nullptr);
    } catch (const Diverged& e) {
      messages[static_cast<std::size_t>(m)] = e.what();
    }
  });
  EXPECT_EQ(messages[0], alone_message);
  EXPECT_EQ(messages[1], alone_message);
}

TEST_F(Group, BatchNormStatisticsAreMemberZerosAtEveryEvaluation) {
  // Each member's running statistics come from its own share of each batch; before an
  // evaluation member 0's are given to all (as DistributedDataParallel broadcasts them).
  const TrialSpec spec = trial("train_subset = 150\nbatch_norm = true\n");
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data);
  std::vector<std::vector<torch::Tensor>> before(2);
  on_threads(2, [&](int m) {
    TrialTraining& t = *members[static_cast<std::size_t>(m)];
    t.train_epoch(t.order(1), 1, nullptr);
    for (const auto& b : t.model().buffers())
      before[static_cast<std::size_t>(m)].push_back(b.clone());
  });
  ASSERT_FALSE(before[0].empty());
  bool differed = false;  // the shares gave the members different statistics
  for (std::size_t k = 0; k < before[0].size(); ++k) {
    if (before[0][k].is_floating_point() && !torch::equal(before[0][k], before[1][k]))
      differed = true;
  }
  ASSERT_TRUE(differed) << "the members' statistics were alike before the evaluation: no check";
  on_threads(2, [&](int m) { members[static_cast<std::size_t>(m)]->evaluate_test(); });
  for (int m = 0; m < 2; ++m) {
    const auto after = members[static_cast<std::size_t>(m)]->model().buffers();
    for (std::size_t k = 0; k < after.size(); ++k) {
      EXPECT_TRUE(torch::equal(after[k], before[0][k])) << "member " << m << ", buffer " << k;
    }
  }
}

TEST_F(Group, MembersWhoseWeightsDifferFailTheTrialOnBoth) {
  // The check after every epoch: a checksum of each member's weights against member 0's.
  const TrialSpec spec = trial("train_subset = 120\n");
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  test::ThreadHub hub(2);
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
  const auto members = make_members(hub, groups, 2, spec, data);
  {
    torch::NoGradGuard no_grad;
    members[1]->model().parameters()[0].add_(1e-3);
  }
  std::vector<std::string> messages(2);
  on_threads(2, [&](int m) {
    try {
      members[static_cast<std::size_t>(m)]->check_members_agree(4);
    } catch (const std::exception& e) {
      messages[static_cast<std::size_t>(m)] = e.what();
    }
  });
  for (const std::string& text : messages) {
    EXPECT_NE(text.find("member 1's weights differ from member 0's after epoch 4"),
              std::string::npos)
        << text;
  }
}

TEST_F(Group, EachMemberDrawsItsOwnDropoutMasks) {
  // One seed per member and epoch, the first member's that of a trial alone.
  const std::uint64_t seed = 12345;
  EXPECT_EQ(dropout_seed(seed, 3, 0), epoch_seed(seed, 3, 2));
  std::set<std::uint64_t> seeds;
  for (int e = 1; e <= 3; ++e) {
    for (int m = 0; m < 4; ++m) seeds.insert(dropout_seed(seed, e, m));
  }
  EXPECT_EQ(seeds.size(), 12u);
  // The masks those seeds give differ from member to member.
  torch::manual_seed(dropout_seed(seed, 1, 0));
  const torch::Tensor first = torch::dropout(torch::ones({256}), 0.5, true);
  torch::manual_seed(dropout_seed(seed, 1, 1));
  const torch::Tensor second = torch::dropout(torch::ones({256}), 0.5, true);
  EXPECT_FALSE(torch::equal(first, second));
}

// Three members of one node, each with a DataCache of its own that shares through it.
struct NodeOfThree {
  NodeOfThree() {
    for (int m = 0; m < 3; ++m) {
      caches.push_back(std::make_unique<DataCache>());
      groups.push_back(std::make_unique<test::ThreadMember>(hub, m));
      caches.back()->share_within(groups.back().get());
    }
  }
  // Each member's DataCache::get of `spec`, at once on 3 threads.
  std::vector<const LoadedData*> get(const TrialSpec& spec) {
    std::vector<const LoadedData*> got(3);
    on_threads(3, [&](int m) {
      got[static_cast<std::size_t>(m)] = &caches[static_cast<std::size_t>(m)]->get(spec);
    });
    return got;
  }
  test::ThreadHub hub{3};
  std::vector<std::unique_ptr<DataCache>> caches;
  std::vector<std::unique_ptr<test::ThreadMember>> groups;
};

TEST_F(Group, MembersOfANodeHoldOneCopyOfTheData) {
  const TrialSpec spec = trial();
  DataCache alone;
  const LoadedData& want = alone.get(spec);
  NodeOfThree node;
  std::vector<std::unique_ptr<DataCache>>& caches = node.caches;
  const std::vector<const LoadedData*> got = node.get(spec);
  for (int m = 0; m < 3; ++m) {
    const LoadedData& d = *got[static_cast<std::size_t>(m)];
    // One copy: every member's pixels are the same memory, and hold what a rank alone loads.
    EXPECT_EQ(d.train.pixels().data_ptr(), got[0]->train.pixels().data_ptr()) << m;
    EXPECT_EQ(d.test.pixels().data_ptr(), got[0]->test.pixels().data_ptr()) << m;
    EXPECT_TRUE(torch::equal(d.train.pixels(), want.train.pixels())) << m;
    EXPECT_TRUE(torch::equal(d.test.pixels(), want.test.pixels())) << m;
    EXPECT_TRUE(torch::equal(d.train.labels(), want.train.labels())) << m;
    EXPECT_TRUE(torch::equal(d.test.labels(), want.test.labels())) << m;
    EXPECT_FALSE(d.val.defined());
    EXPECT_EQ(d.classes, want.classes);
    EXPECT_EQ(d.stats.mean, want.stats.mean);
    EXPECT_EQ(d.stats.stddev, want.stats.stddev);
    EXPECT_EQ(d.info.description, want.info.description);
    EXPECT_EQ(d.info.train_count, want.info.train_count);
  }
  EXPECT_NE(got[0]->train.pixels().data_ptr(), want.train.pixels().data_ptr());

  // Trained from the one copy, a group of 3 gives, to the last bit, what the same group gives
  // with a copy per member.
  auto train = [&](bool share) {
    test::ThreadHub h(3);
    std::vector<TrialResult> results(3);
    on_threads(3, [&](int m) {
      test::ThreadMember group(h, m);
      DataCache cache;
      if (share) cache.share_within(&group);
      WorkerContext ctx;
      ctx.group = &group;
      results[static_cast<std::size_t>(m)] = run_trial(spec, cache, ctx, nullptr, TrainSpan{});
    });
    return results;
  };
  const std::vector<TrialResult> shared = train(true), own = train(false);
  ASSERT_EQ(shared[0].status, Status::kOk) << shared[0].message;
  ASSERT_EQ(own[0].status, Status::kOk) << own[0].message;
  ASSERT_EQ(shared[0].epochs.size(), own[0].epochs.size());
  for (std::size_t e = 0; e < own[0].epochs.size(); ++e) {
    EXPECT_EQ(shared[0].epochs[e].train_loss, own[0].epochs[e].train_loss) << e;
    EXPECT_EQ(shared[0].epochs[e].val_loss, own[0].epochs[e].val_loss) << e;
  }
  EXPECT_EQ(shared[0].test_loss, own[0].test_loss);
  EXPECT_EQ(shared[0].confusion, own[0].confusion);

  // Data that cannot be read fails on every member with the message of the one that read it.
  const TrialSpec missing =
      expand(parse_grid_text("dataset = idx\ndata_dir = /nonexistent/digits\n", "m.ini"))
          .specs()
          .front();
  std::vector<std::string> errors(3);
  on_threads(3, [&](int m) {
    try {
      caches[static_cast<std::size_t>(m)]->get(missing);
    } catch (const DataError& e) {
      errors[static_cast<std::size_t>(m)] = e.what();
    }
  });
  EXPECT_NE(errors[0].find("/nonexistent/digits"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[1], errors[0]);
  EXPECT_EQ(errors[2], errors[0]);
  // None kept it: the next trial of it loads it again on every member (and fails again on
  // all, none waiting for another), while the set loaded before stays, loaded once.
  std::vector<std::string> again(3);
  on_threads(3, [&](int m) {
    EXPECT_EQ(&caches[static_cast<std::size_t>(m)]->get(spec), got[static_cast<std::size_t>(m)]);
    try {
      caches[static_cast<std::size_t>(m)]->get(missing);
    } catch (const DataError& e) {
      again[static_cast<std::size_t>(m)] = e.what();
    }
  });
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(again[static_cast<std::size_t>(m)], errors[0]) << m;
    EXPECT_EQ(caches[static_cast<std::size_t>(m)]->loads(), 1) << m;
  }
}

TEST_F(Group, ADataSetLargerThanTheNodesSharedMemoryIsHeldByEachMember) {
  // Where the node's shared memory lives has less room than the pixels and 16 MiB kept free (a
  // container's small /dev/shm): each member decodes its own copy instead (a window larger than
  // the room makes Open MPI hang), and has what a rank alone loads. With just enough room, one
  // copy.
  const TrialSpec spec = trial();
  DataCache alone;
  const LoadedData& want = alone.get(spec);
  std::uint64_t pixels = 0;
  for (const ImageSet* s : {&want.train, &want.val, &want.test}) {
    if (s->defined()) pixels += static_cast<std::uint64_t>(s->pixels().numel());
  }
  for (const std::uint64_t room :
       {(std::uint64_t{16} << 20) + pixels - 1, (std::uint64_t{16} << 20) + pixels}) {
    const bool shared = room == (std::uint64_t{16} << 20) + pixels;
    NodeOfThree node;
    for (auto& g : node.groups) g->room = {"/small/shm", room};
    const std::vector<const LoadedData*> got = node.get(spec);
    EXPECT_EQ(node.hub.allocated(), shared ? 1u : 0u);
    for (int m = 0; m < 3; ++m) {
      const LoadedData& d = *got[static_cast<std::size_t>(m)];
      EXPECT_EQ(d.train.pixels().data_ptr() == got[0]->train.pixels().data_ptr(), shared || m == 0)
          << m << " room " << room;
      EXPECT_TRUE(torch::equal(d.train.pixels(), want.train.pixels())) << m;
      EXPECT_TRUE(torch::equal(d.test.labels(), want.test.labels())) << m;
      EXPECT_EQ(node.caches[static_cast<std::size_t>(m)]->loads(), 1) << m;
    }
  }
}

TEST_F(Group, AMemberThatCannotReadTheSharedDescriptionFailsTheLoadOnAll) {
  // SWEEP_FAULT_INJECT=member=1,at=share: member 1 fails between hearing what node member 0
  // decoded and mapping the shared memory. No member maps it (none waits for another there):
  // member 1 throws its error, the others DataError saying so; none keeps the set, and the next
  // try loads it once, shared.
  const TrialSpec spec = trial();
  NodeOfThree node;
  std::vector<std::unique_ptr<DataCache>>& caches = node.caches;
  node.groups[1]->fault_point = "share";
  std::vector<std::string> errors(3);
  on_threads(3, [&](int m) {
    try {
      caches[static_cast<std::size_t>(m)]->get(spec);
    } catch (const std::exception& e) {  // member 1: its own error; the others: DataError
      errors[static_cast<std::size_t>(m)] = e.what();
    }
  });
  EXPECT_EQ(errors[1], "injected fault (SWEEP_FAULT_INJECT) at share");
  EXPECT_EQ(node.hub.allocated(), 0u);  // no member mapped memory
  for (int m : {0, 2}) {
    EXPECT_NE(errors[static_cast<std::size_t>(m)].find("another member"), std::string::npos)
        << errors[static_cast<std::size_t>(m)];
    EXPECT_EQ(caches[static_cast<std::size_t>(m)]->loads(), 0) << m;
  }
  const std::vector<const LoadedData*> got = node.get(spec);
  EXPECT_EQ(node.hub.allocated(), 1u);
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(got[static_cast<std::size_t>(m)]->train.pixels().data_ptr(),
              got[0]->train.pixels().data_ptr());
  }
}

// A fault at `point` on member `member` of 2 (`out_of_memory`: LibTorch's out-of-memory error
// there): every member returns the same failed result naming it (or, for a state that cannot be
// written, trains on), and none waits forever. Returns the members' results.
std::vector<TrialResult> expect_fault_fails_all(const TrialSpec& spec, const std::string& dir,
                                                const char* point, int member, int count = 1,
                                                bool out_of_memory = false) {
  test::ThreadHub hub(2);
  std::vector<TrialResult> results(2);
  on_threads(2, [&](int m) {
    DataCache cache;  // one per member, as one per process
    test::ThreadMember group(hub, m);
    if (m == member) {
      group.fault_point = point;
      group.fault_count = count;
      group.fault_out_of_memory = out_of_memory;
    }
    WorkerContext ctx;
    ctx.group = &group;
    TrainSpan span;
    span.state = dir + "/" + point + std::to_string(member) + ".state";
    span.checkpoint_to = dir + "/" + point + std::to_string(member) + ".pt";
    results[static_cast<std::size_t>(m)] = run_trial(spec, cache, ctx, nullptr, span);
  });
  const std::string what = std::string("at ") + point + " on member " + std::to_string(member);
  for (const TrialResult& r : results) {
    if (std::string(point) == "state") {  // a state is a way to resume: the trial trains on
      EXPECT_EQ(r.status, Status::kOk) << what << ": " << r.message;
      continue;
    }
    EXPECT_EQ(r.status, Status::kFailed) << what;
    const std::string expected =
        out_of_memory ? "DefaultCPUAllocator"
                      : "injected fault (SWEEP_FAULT_INJECT) at " + std::string(point);
    EXPECT_NE(r.message.find("member " + std::to_string(member + 1) + ": "), std::string::npos)
        << what << ": " << r.message;
    EXPECT_NE(r.message.find(expected), std::string::npos) << what << ": " << r.message;
  }
  EXPECT_EQ(results[0].message, results[1].message) << what;
  return results;
}

TEST_F(Group, AFaultAtAnyPointFailsTheTrialOnEveryMember) {
  const TrialSpec spec = trial("train_subset = 120\nbatch_norm = true\n");  // buffers to share
  const std::string dir = sweep::test::make_temp_dir("group-faults");
  for (const char* point : kFaultPoints) {
    // The state is written by member 0 alone: a fault there on the others is never reached.
    for (int member : {0, 1}) {
      if (std::string(point) == "state" && member == 1) continue;
      expect_fault_fails_all(spec, dir, point, member);
    }
  }
}

TEST_F(Group, RunningOutOfMemoryOnOneMemberFailsTheTrialOnEveryMember) {
  // LibTorch's own out-of-memory error (SWEEP_FAULT_INJECT=member=M,at=POINT,oom asks it for
  // 4 EiB): just before the optimizer step (where Adam allocates its state: the usual place), at
  // backward and at an evaluation, on the leader and on the member.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer aborts on a 4 EiB request instead of failing it; the plain "
                  "build runs this test";
#endif
  const TrialSpec spec = trial("train_subset = 120\n");
  const std::string dir = sweep::test::make_temp_dir("group-oom");
  for (const char* point : {"step", "backward", "evaluate"}) {
    for (int member : {0, 1}) {
      for (const TrialResult& r : expect_fault_fails_all(spec, dir, point, member, 1, true)) {
        EXPECT_EQ(r.message.find("frame #"), std::string::npos) << r.message;  // no stack
      }
    }
  }
}

TEST_F(Group, AFaultAtAPointsKthReachComesThere) {
  // SWEEP_FAULT_INJECT=member=M,at=POINT:K: 96 training rows in batches of 37 are 3 steps an
  // epoch, so the 5th forward pass is in epoch 2: epoch 1 trains and is kept, then it fails.
  const TrialSpec spec = trial("train_subset = 120\n");
  const std::string dir = sweep::test::make_temp_dir("group-fault-count");
  for (const TrialResult& r : expect_fault_fails_all(spec, dir, "forward", 1, 5)) {
    EXPECT_EQ(r.epochs.size(), 1u) << r.message;
  }
  // (In another directory: the state of epoch 1 saved above would be resumed.)
  const std::string first = sweep::test::make_temp_dir("group-fault-first");
  for (const TrialResult& r : expect_fault_fails_all(spec, first, "forward", 1, 1)) {
    EXPECT_EQ(r.epochs.size(), 0u) << r.message;
  }
}

TEST_F(Group, AWaitPastTheDeadlineLeavesTheTrainingAsGroupBroken) {
  // Member 1 never takes part (as a stopped process would not): member 0's first wait, inside
  // the step's guarded part, ends past the deadline with GroupBroken, which no guard may take
  // for a failure of the member's own (it would go on to the next sum, and wait there).
  const TrialSpec spec = trial("train_subset = 120\n");
  test::ThreadHub hub(2, std::chrono::seconds(2));
  test::ThreadMember leader(hub, 0);
  DataCache cache;
  const LoadedData& data = cache.get(spec);
  TrialTraining t(spec, data, torch::kCPU, &leader);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(t.train_epoch(t.order(1), 1, nullptr), GroupBroken);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
}

}  // namespace
}  // namespace sweep::worker
