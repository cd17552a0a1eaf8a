package io.regen.realtime.gateway.delivery;

import java.util.List;
import java.util.Optional;

/**
 * Asks several locators in order and returns the first answer: the gateway's own cache of jobs it
 * saw start, then the query API.
 */
public final class FirstFoundJobLocator implements JobLocator {
  private final List<JobLocator> locators;

  public FirstFoundJobLocator(List<JobLocator> locators) {
    this.locators = List.copyOf(locators);
  }

  @Override
  public Optional<JobLocation> locate(String jobId, String bearerToken) {
    for (JobLocator locator : locators) {
      Optional<JobLocation> found = locator.locate(jobId, bearerToken);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
