// The dispatcher: help texts, usage errors and exit codes, global options from flags and the
// environment, colour decisions.
#include "clients/cli/app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/test_harness.h"

namespace ops::cli {
namespace {

using ::ops::cli::testing::CliHarness;
using ::ops::cli::testing::MakeTicket;
using ::testing::_;
using ::testing::DoAll;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;
using ::testing::SetArgPointee;
using ::testing::StartsWith;

TEST(AppTest, MainHelpListsGroupsGlobalOptionsAndExitCodes) {
  CliHarness cli;
  EXPECT_EQ(cli.Run({"--help"}), kExitOk);
  EXPECT_THAT(cli.out(), HasSubstr("Usage: operator [global options] <group> <command>"));
  EXPECT_THAT(cli.out(), HasSubstr("  tickets "));
  for (const char* option :
       {"--tickets_addr HOST:PORT", "OPS_TICKETS_ADDR", "127.0.0.1:50052", "--timeout DURATION",
        "-o, --output FORMAT", "--color WHEN", "Exit codes:", "Examples:"}) {
    EXPECT_THAT(cli.out(), HasSubstr(option));
  }
  EXPECT_EQ(cli.err(), "");
}

TEST(AppTest, GroupHelpListsEveryCommand) {
  CliHarness cli;
  EXPECT_EQ(cli.Run({"tickets", "--help"}), kExitOk);
  for (const char* command : {"list", "show", "hold", "release", "resolve", "watch"}) {
    EXPECT_THAT(cli.out(), HasSubstr(absl::StrCat("  ", command, " ")));
  }
}

TEST(AppTest, EveryCommandHelpExplainsEveryOptionWithExamples) {
  for (const CommandGroup& group : CommandGroups()) {
    for (const CommandSpec& command : group.commands) {
      CliHarness cli;
      EXPECT_EQ(cli.Run({group.name, command.name, "--help"}), kExitOk) << command.name;
      EXPECT_THAT(cli.out(), StartsWith(absl::StrCat("Usage: operator ", group.name, " ",
                                                     command.name, " [options]")));
      for (const OptionSpec& option : command.options) {
        EXPECT_THAT(cli.out(), HasSubstr("--" + option.name)) << command.name;
        EXPECT_FALSE(option.help.empty()) << option.name;
      }
      EXPECT_THAT(cli.out(), HasSubstr("Global options:"));
      EXPECT_THAT(cli.out(), HasSubstr("Examples:\n  operator " + group.name + " " + command.name));
    }
  }
}

TEST(AppTest, UsageErrorsExitTwoWithUsage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
    std::string usage;
  };
  const std::vector<Case> cases = {
      {{}, "operator: missing command group", "Usage: operator [global options]"},
      {{"tickts"}, "unknown command group \"tickts\" (did you mean tickets?)", "Command groups:"},
      {{"tickets"}, "missing command after \"tickets\"", "Commands:"},
      {{"tickets", "lst"}, "unknown command \"tickets lst\" (did you mean list?)", "Commands:"},
      {{"tickets", "show"},
       "operator tickets show: missing ID",
       "Usage: operator tickets show [options] ID"},
      {{"tickets", "show", "T-1", "T-2"}, "unexpected argument \"T-2\"", "Usage:"},
      {{"tickets", "list", "--stauts", "open"},
       "unknown option --stauts (did you mean --status?)",
       "  --status S[,S]"},
      {{"tickets", "list", "--limit"}, "option --limit needs a value (N)", "Usage:"},
      {{"--bogus", "tickets", "list"}, "unknown option --bogus", "Usage:"},
      {{"tickets", "list", "--timeout", "soon"}, "bad --timeout \"soon\"", "Usage:"},
      {{"tickets", "list", "--timeout", "-1s"}, "bad --timeout", "Usage:"},
      {{"tickets", "list", "-o", "yaml"}, "bad --output \"yaml\" (want table or json)", "Usage:"},
      {{"tickets", "list", "--color", "sometimes"}, "bad --color", "Usage:"},
  };
  for (const Case& c : cases) {
    CliHarness cli;
    EXPECT_EQ(cli.Run(c.args), kExitUsage) << absl::StrJoin(c.args, " ");
    EXPECT_THAT(cli.err(), HasSubstr(c.message));
    EXPECT_THAT(cli.err(), HasSubstr(c.usage));
    EXPECT_EQ(cli.out(), "");
    EXPECT_TRUE(cli.addresses().empty()) << "no call on a usage error";
  }
}

// Runs `tickets show T-1` against a mock that answers, with extra arguments and environment.
CliHarness* ShowWith(CliHarness* cli, std::vector<std::string> extra) {
  EXPECT_CALL(cli->mock(), GetTicket(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(MakeTicket("T-1")), Return(grpc::Status::OK)));
  std::vector<std::string> args = {"tickets", "show", "T-1"};
  args.insert(args.end(), extra.begin(), extra.end());
  EXPECT_EQ(cli->Run(args), kExitOk) << cli->err();
  return cli;
}

TEST(AppTest, AddressComesFromFlagThenEnvironmentThenDefault) {
  {
    CliHarness cli;
    ShowWith(&cli, {});
    EXPECT_THAT(cli.addresses(), ElementsAre("127.0.0.1:50052"));
  }
  {
    CliHarness cli;
    cli.SetEnv("OPS_TICKETS_ADDR", "ops-host:6000");
    ShowWith(&cli, {});
    EXPECT_THAT(cli.addresses(), ElementsAre("ops-host:6000"));
  }
  {
    CliHarness cli;
    cli.SetEnv("OPS_TICKETS_ADDR", "ops-host:6000");
    ShowWith(&cli, {"--tickets_addr", "flag-host:7000"});
    EXPECT_THAT(cli.addresses(), ElementsAre("flag-host:7000"));
  }
  {
    // Global options also work before the group and between group and command.
    CliHarness cli;
    EXPECT_CALL(cli.mock(), GetTicket(_, _, _)).WillOnce(Return(grpc::Status::OK));
    EXPECT_EQ(cli.Run({"--tickets-addr=a:1", "tickets", "-o", "json", "show", "T-1"}), kExitOk);
    EXPECT_THAT(cli.addresses(), ElementsAre("a:1"));
    EXPECT_THAT(cli.out(), StartsWith("{"));
  }
}

TEST(AppTest, ColourOnlyOnATerminalWithoutNoColor) {
  const std::string kRed = "\x1b[1;31m";
  {
    CliHarness cli;  // not a TTY
    EXPECT_THAT(ShowWith(&cli, {})->out(), Not(HasSubstr("\x1b[")));
  }
  {
    CliHarness cli;
    cli.ctx().out_is_tty = true;
    EXPECT_THAT(ShowWith(&cli, {})->out(), HasSubstr(kRed + "critical"));
  }
  {
    CliHarness cli;
    cli.ctx().out_is_tty = true;
    cli.SetEnv("NO_COLOR", "1");
    EXPECT_THAT(ShowWith(&cli, {})->out(), Not(HasSubstr("\x1b[")));
  }
  {
    CliHarness cli;
    cli.ctx().out_is_tty = true;
    EXPECT_THAT(ShowWith(&cli, {"--color=never"})->out(), Not(HasSubstr("\x1b[")));
  }
  {
    CliHarness cli;
    EXPECT_THAT(ShowWith(&cli, {"--color", "always"})->out(), HasSubstr(kRed + "critical"));
  }
}

// A new group slots in as a table; a one-verb group runs its default command.
TEST(AppTest, ANewGroupWithADefaultCommandSlotsIn) {
  std::vector<std::string> ran;
  auto record = [&ran](absl::string_view what) {
    return [&ran, what = std::string(what)](const Invocation& inv) {
      ran.push_back(absl::StrCat(what, " verbose=", inv.args.Get("verbose", "false"),
                                 " args=", absl::StrJoin(inv.args.positionals, ",")));
      return kExitOk;
    };
  };
  const std::vector<CommandGroup> groups = {
      {.name = "status",
       .summary = "Cluster status",
       .description = "Shows the cluster.",
       .commands = {{.name = "show",
                     .summary = "Show the status",
                     .description = "Shows it.",
                     .options = {{"verbose", "", "More detail."}},
                     .examples = {"operator status"},
                     .run = record("show")},
                    {.name = "history",
                     .args_usage = "[STORE...]",
                     .summary = "Show history",
                     .description = "History.",
                     .max_args = kUnlimitedArgs,
                     .run = record("history")}},
       .default_command = "show"}};
  CliHarness cli;
  EXPECT_EQ(cli::Run({"status"}, cli.ctx(), groups), kExitOk);
  EXPECT_EQ(cli::Run({"status", "--verbose"}, cli.ctx(), groups), kExitOk);
  EXPECT_EQ(cli::Run({"status", "show", "--verbose"}, cli.ctx(), groups), kExitOk);
  EXPECT_EQ(cli::Run({"-o", "json", "status", "history", "4", "5"}, cli.ctx(), groups), kExitOk);
  EXPECT_THAT(ran, ElementsAre("show verbose=false args=", "show verbose=true args=",
                               "show verbose=true args=", "history verbose=false args=4,5"));
  EXPECT_EQ(cli::Run({"status", "--help"}, cli.ctx(), groups), kExitOk);
  EXPECT_THAT(cli.out(), StartsWith("Usage: operator status [show] [options]\n"));
  EXPECT_EQ(cli::Run({"status", "extra"}, cli.ctx(), groups), kExitUsage);
  EXPECT_THAT(cli.err(), HasSubstr("operator status show: unexpected argument \"extra\""));
}

}  // namespace
}  // namespace ops::cli
