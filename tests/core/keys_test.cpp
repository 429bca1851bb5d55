#include "core/keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace sweep {
namespace {

TEST(Keys, EveryDefaultIsValidAndCanonical) {
  for (const auto& k : known_keys()) {
    if (k.type == KeyType::kString || k.default_value.empty()) continue;
    EXPECT_EQ(canonical_value(k, k.default_value), k.default_value) << k.name;
  }
}

TEST(Keys, EveryKeyHasARowInTheKeysPageWithItsDefaultAndUse) {
  std::ifstream in(SWEEP_KEYS_DOC);
  ASSERT_TRUE(in) << SWEEP_KEYS_DOC;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& k : known_keys()) {
    const auto at = text.find("\n| `" + k.name + "` |");
    ASSERT_NE(at, std::string::npos) << "docs/keys.md has no key table row for " << k.name;
    const std::string row = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    const std::string def = k.default_value.empty() ? "—" : "`" + k.default_value + "`";
    EXPECT_NE(row.find("| " + def + " |"), std::string::npos) << row;
    const std::string use = used_if_text(k);
    EXPECT_NE(row.find("| " + (use.empty() ? std::string("all") : use) + " |"), std::string::npos)
        << row;
  }
}

TEST(Keys, TheKeysPageNamesEveryKeyOutsideTheTrialId) {
  std::ifstream in(SWEEP_KEYS_DOC);
  ASSERT_TRUE(in) << SWEEP_KEYS_DOC;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find("Every key\nis part of the trial id except");
  ASSERT_NE(at, std::string::npos) << "docs/keys.md lost its sentence on the trial id";
  const std::string sentence = text.substr(at, text.find('.', at) - at);
  for (const auto& k : known_keys()) {
    const bool named = sentence.find("`" + k.name + "`") != std::string::npos;
    EXPECT_EQ(named, !k.in_id) << k.name << (k.in_id ? " is in the id but named" : " is not");
  }
}

TEST(Keys, CanonicalNumbers) {
  const KeySpec* lr = find_key("learning_rate");
  ASSERT_NE(lr, nullptr);
  EXPECT_EQ(canonical_value(*lr, "1e-3"), "0.001");
  EXPECT_EQ(canonical_value(*lr, "0.0010"), "0.001");
  EXPECT_THROW(canonical_value(*lr, "0"), GridError);  // exclusive lower bound
  EXPECT_THROW(canonical_value(*lr, "nan"), GridError);
  EXPECT_THROW(canonical_value(*lr, "1x"), GridError);
  const KeySpec* f = find_key("filters");
  EXPECT_EQ(canonical_value(*f, "0016"), "16");
  EXPECT_THROW(canonical_value(*f, "0"), GridError);
  EXPECT_THROW(canonical_value(*f, ""), GridError);
  EXPECT_EQ(find_key("nope"), nullptr);
}

TEST(Keys, NumberListsAreCanonicalAndChecked) {
  const KeySpec* mean = find_key("mean");
  const KeySpec* sd = find_key("std");
  ASSERT_NE(mean, nullptr);
  ASSERT_NE(sd, nullptr);
  EXPECT_EQ(mean->type, KeyType::kFloatList);
  EXPECT_EQ(canonical_value(*mean, "0.4850, 0.456,0.406"), "0.485 0.456 0.406");
  EXPECT_EQ(canonical_value(*mean, " 5e-1 "), "0.5");
  EXPECT_EQ(canonical_value(*mean, "-0.5"), "-0.5");
  EXPECT_THROW(canonical_value(*mean, ""), GridError);
  EXPECT_THROW(canonical_value(*mean, " , "), GridError);
  EXPECT_THROW(canonical_value(*mean, "0.5 x"), GridError);
  EXPECT_THROW(canonical_value(*mean, "0.1 0.2 0.3 0.4 0.5"), GridError);  // over 4 values
  EXPECT_THROW(canonical_value(*sd, "0.2 0"), GridError);                  // std above 0
  EXPECT_THROW(canonical_value(*sd, "nan"), GridError);
  try {
    canonical_value(*sd, "0.2 -1");
    FAIL() << "a negative std was accepted";
  } catch (const GridError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'std'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'-1'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(mean->axis);
  EXPECT_TRUE(mean->in_id);
  EXPECT_TRUE(find_key("normalize")->in_id);
  EXPECT_EQ(find_key("normalize")->default_value, "data");
}

TEST(Keys, ChoicesAreCaseInsensitive) {
  EXPECT_EQ(canonical_value(*find_key("dataset"), "Fashion_MNIST"), "fashion_mnist");
  EXPECT_THROW(canonical_value(*find_key("dataset"), "imagenet"), GridError);
}

}  // namespace
}  // namespace sweep
