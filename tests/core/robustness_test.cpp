// The value of key `robustness`: what it accepts, what it refuses, and its canonical text.
#include "core/robustness.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/errors.h"
#include "core/keys.h"

namespace sweep {
namespace {

TEST(Robustness, NamesGiveTheirDefaultLevelsInTheOrderAsked) {
  EXPECT_TRUE(parse_robustness("none").empty());
  EXPECT_TRUE(parse_robustness(" NONE ").empty());
  const std::vector<RobustnessCheck> c = parse_robustness("noise, Brightness");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].kind, Perturbation::kNoise);
  EXPECT_EQ(c[0].levels, (std::vector<double>{0.02, 0.05, 0.1, 0.2}));
  EXPECT_EQ(c[1].kind, Perturbation::kBrightness);
  EXPECT_EQ(c[1].levels, (std::vector<double>{0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5}));
  EXPECT_EQ(parse_robustness("blur rotation contrast").size(), 3u);
}

TEST(Robustness, LevelsCanBeNamedAndTheTextIsCanonical) {
  const std::vector<RobustnessCheck> c = parse_robustness("rotation:90/0.50e1,blur");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].levels, (std::vector<double>{90, 5}));
  EXPECT_EQ(robustness_text(c), "rotation:90/5, blur");
  EXPECT_EQ(robustness_text(parse_robustness("brightness:0.2/0.4/0.6/0.8/1/1.2/1.5")),
            "brightness");  // the defaults, written out
  EXPECT_EQ(robustness_text({}), "none");
  for (const char* text : {"none", "noise", "brightness:0.5/1.5, noise:0.1", "contrast, blur:3"}) {
    EXPECT_EQ(robustness_text(parse_robustness(text)), text);
  }
}

TEST(Robustness, BadValuesSayWhatIsWrong) {
  auto message = [](const std::string& v) {
    try {
      parse_robustness(v);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("fog").find("unknown perturbation 'fog'"), std::string::npos);
  EXPECT_NE(message("noise:2").find("noise: level 2 is out of range (0 to 1)"), std::string::npos);
  EXPECT_NE(message("blur:0").find("out of range"), std::string::npos);
  EXPECT_NE(message("brightness:-0.5").find("out of range"), std::string::npos);
  EXPECT_NE(message("rotation:400").find("out of range"), std::string::npos);
  EXPECT_NE(message("brightness:x").find("'x' is not a number"), std::string::npos);
  EXPECT_NE(message("brightness:").find("no level"), std::string::npos);
  EXPECT_NE(message("noise, noise:0.1").find("named twice"), std::string::npos);
  EXPECT_NE(message("none, noise").find("none cannot"), std::string::npos);
  EXPECT_NE(message("").find("no perturbation"), std::string::npos);
}

TEST(Robustness, TheKeyChecksThroughTheSameRulesAndNamesItself) {
  const KeySpec* k = find_key("robustness");
  ASSERT_NE(k, nullptr);
  EXPECT_FALSE(k->in_id);
  EXPECT_FALSE(k->axis);
  EXPECT_FALSE(k->column);
  EXPECT_EQ(k->default_value, "none");
  EXPECT_EQ(canonical_value(*k, "Noise:0.10 , brightness"), "noise:0.1, brightness");
  try {
    canonical_value(*k, "brightness:20");
    FAIL() << "accepted a level out of range";
  } catch (const GridError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'robustness': brightness: level 20 is out of range"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sweep
