package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.io.PrintStream;

/** One subcommand of {@code regen}. */
public interface Role {
  /** The subcommand, e.g. {@code up}. */
  String name();

  /** The arguments it takes, for {@code regen help}, e.g. {@code --type model|research}. */
  String usage();

  /** One line saying what it does. */
  String summary();

  /**
   * Runs the role, printing results for the user to {@code out}. Long-running roles return only
   * after a graceful stop (SIGINT/SIGTERM).
   *
   * @return the process exit status
   */
  int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception;
}
