#include "sweep/cli/cli.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace sweep {
namespace {

CliCommand parse(std::vector<const char*> args) {
  args.insert(args.begin(), "sweep");
  return parse_cli(static_cast<int>(args.size()), args.data());
}

TEST(Cli, RunWithOverrides) {
  CliCommand c =
      parse({"run", "grids/quick.ini", "--threads", "2", "--filters=8,16", "--epochs=1"});
  EXPECT_EQ(c.kind, CliCommand::Kind::kRun);
  EXPECT_EQ(c.grid, "grids/quick.ini");
  EXPECT_EQ(c.out, "");
  EXPECT_EQ(default_out_path(c.grid, ""), "quick.h5");
  EXPECT_EQ(default_out_path("a/b/g.v2.ini", "3-of-8"), "g.v2.shard-3-of-8.h5");
  EXPECT_EQ(parse({"run", "g.ini", "--shard", "2/4"}).shard, "2/4");
  EXPECT_EQ(c.threads, 2);
  ASSERT_EQ(c.overrides.size(), 2u);
  EXPECT_EQ(c.overrides[0], (std::pair<std::string, std::string>{"filters", "8,16"}));
  EXPECT_EQ(c.command_line, "sweep run grids/quick.ini --threads 2 --filters=8,16 --epochs=1");
}

TEST(Cli, KeepBestAndPredict) {
  CliCommand r = parse({"run", "g.ini", "--keep-best", "3", "--keep-by", "macro_f1"});
  EXPECT_EQ(r.keep_best, 3);
  EXPECT_EQ(r.keep_by, "macro_f1");
  EXPECT_EQ(parse({"run", "g.ini"}).keep_by, "val_acc");
  EXPECT_THROW(parse({"run", "g.ini", "--keep-best", "-1"}), UsageError);
  CliCommand p = parse({"predict", "--from", "s.h5", "--data", "d", "-o", "p.csv"});
  EXPECT_EQ(p.kind, CliCommand::Kind::kPredict);
  EXPECT_EQ(p.from, "s.h5");
  EXPECT_EQ(p.data, "d");
  EXPECT_EQ(p.out, "p.csv");
  EXPECT_EQ(parse({"predict", "--model", "m.pt", "--data", "d"}).model, "m.pt");
  EXPECT_THROW(parse({"predict", "--data", "d"}), UsageError);
  EXPECT_THROW(parse({"predict", "--model", "m.pt", "--from", "s.h5", "--data", "d"}), UsageError);
  EXPECT_THROW(parse({"predict", "--model", "m.pt"}), UsageError);
}

TEST(Cli, Prepare) {
  CliCommand p = parse({"prepare", "--images", "train", "--labels", "l.csv", "--size", "128",
                        "--out", "c.h5", "--task", "binary", "--lcn", "--val", "0.2"});
  EXPECT_EQ(p.kind, CliCommand::Kind::kPrepare);
  EXPECT_EQ(p.images, "train");
  EXPECT_EQ(p.labels, "l.csv");
  EXPECT_EQ(p.size, 128);
  EXPECT_EQ(p.task, "binary");
  EXPECT_TRUE(p.lcn);
  EXPECT_DOUBLE_EQ(p.lcn_sigma, 128 / 30.0);  // the default sigma follows the size
  EXPECT_DOUBLE_EQ(p.val_fraction, 0.2);
  EXPECT_DOUBLE_EQ(p.test_fraction, 0.1);
  EXPECT_THROW(parse({"prepare", "--images", "t", "--size", "64"}), UsageError);  // no --out
  EXPECT_THROW(parse({"prepare", "--images", "t", "--size", "4", "--out", "c.h5"}), UsageError);
  EXPECT_THROW(parse({"prepare", "--images", "t", "--size", "64", "--out", "c.h5", "--task", "x",
                      "--labels", "l.csv"}),
               UsageError);
  EXPECT_THROW(
      parse({"prepare", "--images", "t", "--size", "64", "--out", "c.h5", "--task", "binary"}),
      UsageError);  // --task without --labels
  EXPECT_THROW(parse({"prepare", "--images", "t", "--size", "64", "--out", "c.h5", "--val", "0.5",
                      "--test", "0.5"}),
               UsageError);
  EXPECT_THROW(
      parse({"prepare", "--images", "t", "--size", "64", "--out", "c.h5", "--lcn-sigma", "2"}),
      UsageError);  // --lcn-sigma without --lcn
}

TEST(Cli, RankFiltersAndExport) {
  CliCommand r = parse({"rank", "a.h5", "--where", "filters=8", "--group-by", "learning_rate"});
  EXPECT_EQ(r.where, "filters=8");
  EXPECT_EQ(r.group_by, "learning_rate");
  CliCommand e = parse({"export", "a.h5", "b.h5", "--format", "json", "-o", "t.json", "--curves"});
  EXPECT_EQ(e.kind, CliCommand::Kind::kExport);
  EXPECT_EQ(e.files, (std::vector<std::string>{"a.h5", "b.h5"}));
  EXPECT_EQ(e.format, "json");
  EXPECT_EQ(e.out, "t.json");
  EXPECT_TRUE(e.curves);
  EXPECT_EQ(parse({"export", "a.h5"}).format, "csv");
  EXPECT_THROW(parse({"export"}), UsageError);
}

TEST(Cli, RetryFailedAndGrace) {
  CliCommand c = parse({"run", "g.ini"});
  EXPECT_FALSE(c.retry_failed);
  EXPECT_EQ(c.grace, 60);
  c = parse({"run", "g.ini", "--retry-failed", "--grace", "2.5"});
  EXPECT_TRUE(c.retry_failed);
  EXPECT_EQ(c.grace, 2.5);
  EXPECT_TRUE(parse({"plan", "g.ini", "--retry-failed"}).retry_failed);
  EXPECT_THROW(parse({"run", "g.ini", "--grace", "-1"}), UsageError);
  EXPECT_THROW(parse({"plan", "g.ini", "--grace", "5"}), UsageError);
}

TEST(Cli, MemoryPerRank) {
  EXPECT_EQ(parse({"run", "g.ini"}).memory_per_rank, -1);  // the node's share
  EXPECT_EQ(parse({"run", "g.ini", "--memory-per-rank", "512"}).memory_per_rank, 512);
  EXPECT_EQ(parse({"run", "g.ini", "--memory-per-rank", "0"}).memory_per_rank, 0);
  EXPECT_THROW(parse({"run", "g.ini", "--memory-per-rank", "-5"}), UsageError);
  EXPECT_THROW(parse({"plan", "g.ini", "--memory-per-rank", "5"}), UsageError);
}

TEST(Cli, ProgressOptions) {
  CliCommand c = parse({"run", "g.ini"});
  EXPECT_FALSE(c.quiet);
  EXPECT_FALSE(c.verbose);
  EXPECT_EQ(c.progress_every, 30);
  c = parse({"run", "g.ini", "--verbose", "--progress-every", "5"});
  EXPECT_TRUE(c.verbose);
  EXPECT_EQ(c.progress_every, 5);
  EXPECT_TRUE(parse({"run", "g.ini", "-q"}).quiet);
  EXPECT_THROW(parse({"run", "g.ini", "--quiet", "--verbose"}), UsageError);
  EXPECT_THROW(parse({"run", "g.ini", "--progress-every", "0"}), UsageError);
  EXPECT_THROW(parse({"plan", "g.ini", "--quiet"}), UsageError);
}

TEST(Cli, OutAndPlanAndRank) {
  EXPECT_EQ(parse({"run", "g.ini", "--out", "x/y.h5"}).out, "x/y.h5");
  EXPECT_EQ(parse({"plan", "g.ini", "--show", "3"}).show, 3u);
  CliCommand r = parse({"rank", "a.h5", "b.h5", "--by", "val_acc", "--top", "0"});
  EXPECT_EQ(r.files, (std::vector<std::string>{"a.h5", "b.h5"}));
  EXPECT_EQ(r.by, "val_acc");
  EXPECT_EQ(r.top, 0u);
  CliCommand m = parse({"merge", "all.h5", "a.h5", "b.h5"});
  EXPECT_EQ(m.kind, CliCommand::Kind::kMerge);
  EXPECT_EQ(m.out, "all.h5");
  EXPECT_EQ(m.files, (std::vector<std::string>{"a.h5", "b.h5"}));
  CliCommand st = parse({"status", "g.ini", "a.h5", "--epochs=2", "b.h5"});
  EXPECT_EQ(st.kind, CliCommand::Kind::kStatus);
  EXPECT_EQ(st.grid, "g.ini");
  EXPECT_EQ(st.files, (std::vector<std::string>{"a.h5", "b.h5"}));
  EXPECT_EQ(st.overrides, (std::vector<std::pair<std::string, std::string>>{{"epochs", "2"}}));
  EXPECT_EQ(parse({}).kind, CliCommand::Kind::kHelp);
  EXPECT_EQ(parse({"run", "--help"}).kind, CliCommand::Kind::kHelp);
  EXPECT_EQ(parse({"--version"}).kind, CliCommand::Kind::kVersion);
}

TEST(Cli, UsageErrors) {
  EXPECT_THROW(parse({"train", "g.ini"}), UsageError);
  EXPECT_THROW(parse({"run"}), UsageError);
  EXPECT_THROW(parse({"run", "g.ini", "--filters", "8"}), UsageError);  // overrides need '='
  EXPECT_THROW(parse({"run", "g.ini", "extra"}), UsageError);
  EXPECT_THROW(parse({"run", "g.ini", "--threads", "x"}), UsageError);
  EXPECT_THROW(parse({"rank"}), UsageError);
  EXPECT_THROW(parse({"merge", "out.h5"}), UsageError);
  EXPECT_THROW(parse({"status", "g.ini"}), UsageError);
  EXPECT_THROW(parse({"rank", "a.h5", "--top"}), UsageError);
}

}  // namespace
}  // namespace sweep
