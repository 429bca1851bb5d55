#include "core/result_columns.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include "core/keys.h"

namespace sweep {
namespace {

TEST(ResultColumns, NamesAreUniqueAndNoneIsAKeyColumn) {
  std::set<std::string> names;
  for (const auto& c : kResultColumns) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name << " twice";
    const KeySpec* k = find_key(c.name);
    // A key without a column (device, memory_format, num_classes) leaves its name to the result.
    EXPECT_TRUE(k == nullptr || !k->column) << c.name << " is also a key's column";
    EXPECT_EQ(find_result_column(c.name), &c);
  }
  EXPECT_EQ(find_result_column("no_such_column"), nullptr);
}

TEST(ResultColumns, EachColumnReachesTheFieldOfItsType) {
  for (const auto& c : kResultColumns) {
    EXPECT_EQ(c.real != nullptr, c.type == ResultType::kReal) << c.name;
    EXPECT_EQ(c.integer != nullptr, c.type == ResultType::kInt) << c.name;
    EXPECT_EQ(c.text != nullptr, c.type == ResultType::kLabel || c.type == ResultType::kText)
        << c.name;
    const bool sized = c.type == ResultType::kStatus || c.type == ResultType::kLabel ||
                       c.type == ResultType::kText;
    EXPECT_EQ(c.width > 0, sized) << c.name;
    EXPECT_TRUE(!c.metric || c.type == ResultType::kReal) << c.name;
    EXPECT_TRUE(c.better == Better::kNone || c.type == ResultType::kReal) << c.name;
    EXPECT_STRNE(c.doc, "") << c.name;
  }
  std::size_t rankable = 0;
  for (const auto& c : kResultColumns) rankable += c.better != Better::kNone;
  EXPECT_EQ(rankable, kRankableColumnCount);
}

TEST(ResultColumns, ValuesComeFromTheirOwnField) {
  TrialResult r;
  r.status = Status::kPruned;
  r.test_acc = 0.75;
  r.rung = 3;
  r.host = "node7";
  EXPECT_EQ(numeric_value(*find_result_column("test_acc"), r), 0.75);
  EXPECT_EQ(numeric_value(*find_result_column("rung"), r), 3);
  EXPECT_TRUE(std::isnan(numeric_value(*find_result_column("host"), r)));
  EXPECT_EQ(text_value(*find_result_column("host"), r), "node7");
  EXPECT_EQ(text_value(*find_result_column("status"), r), "pruned");
  EXPECT_EQ(text_value(*find_result_column("rung"), r), "");
}

// The docs' table of the trials table's columns holds one row per column, in the table's order,
// with how a file stores it and what it holds; the grid keys' row stands between the columns
// stored before the keys and the rest.
TEST(ResultColumns, EveryColumnHasARowInTheDocsInOrder) {
  std::ifstream in(SWEEP_RESULTS_DOC);
  ASSERT_TRUE(in) << SWEEP_RESULTS_DOC;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t keys_row = text.find("\n| every grid key |");
  ASSERT_NE(keys_row, std::string::npos) << "the docs lost the grid keys' row";
  std::size_t last = 0;
  for (const auto& c : kResultColumns) {
    const std::string row = "\n| `" + std::string(c.name) + "` | " + stored_type_text(c) +
                            " | " + c.doc + " |\n";
    const std::size_t at = text.find(row);
    ASSERT_NE(at, std::string::npos) << "no row " << row;
    EXPECT_GT(at, last) << c.name << " out of order";
    EXPECT_EQ(at < keys_row, c.before_keys) << c.name;
    last = at;
  }
}

}  // namespace
}  // namespace sweep
