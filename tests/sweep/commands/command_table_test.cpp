#include "sweep/commands/command_table.h"

#include <gtest/gtest.h>

#include <set>

namespace sweep {
namespace {

using Kind = CliCommand::Kind;

const Kind kAllKinds[] = {Kind::kHelp,   Kind::kVersion, Kind::kRun,    Kind::kPlan,
                          Kind::kRank,   Kind::kMerge,   Kind::kStatus, Kind::kExport,
                          Kind::kReport, Kind::kPredict, Kind::kPrepare};

TEST(CommandTable, EveryKindOnceWithExactlyOneWayToRun) {
  std::set<Kind> seen;
  for (const CommandEntry& e : command_table()) {
    EXPECT_TRUE(seen.insert(e.kind).second) << e.name << " twice";
    EXPECT_NE(e.plain == nullptr, e.with_mpi == nullptr) << e.name;
  }
  EXPECT_EQ(seen.size(), std::size(kAllKinds));
  for (Kind k : kAllKinds) EXPECT_EQ(command_entry(k).kind, k);
}

TEST(CommandTable, OnlyRunAndPrepareNeedMpi) {
  for (const CommandEntry& e : command_table()) {
    const bool parallel = e.kind == Kind::kRun || e.kind == Kind::kPrepare;
    EXPECT_EQ(e.needs_mpi(), parallel) << e.name;
  }
}

TEST(CommandTable, EveryCommandIsInTheUsageText) {
  const std::string usage = usage_text();
  for (const CommandEntry& e : command_table()) {
    EXPECT_NE(usage.find(e.name), std::string::npos) << e.name;
  }
}

TEST(CommandTable, NamesParseToTheirKind) {
  for (const CommandEntry& e : command_table()) {
    if (e.kind == Kind::kHelp) continue;  // no arguments at all also give help
    const char* argv[] = {"sweep", e.name, "--help"};
    const CliCommand c = parse_cli(e.kind == Kind::kVersion ? 2 : 3, argv);
    // `sweep CMD --help` gives that command's help; --version gives the version.
    EXPECT_EQ(c.kind, e.kind == Kind::kVersion ? Kind::kVersion : Kind::kHelp) << e.name;
    if (e.kind != Kind::kVersion) {
      EXPECT_NE(c.help.find(e.name), std::string::npos) << e.name;
    }
  }
}

}  // namespace
}  // namespace sweep
