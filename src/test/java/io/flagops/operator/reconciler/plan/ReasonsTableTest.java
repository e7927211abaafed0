package io.flagops.operator.reconciler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** README's reasons say every reason the operator gives, and no reason it does not. */
class ReasonsTableTest {
  private static final Pattern TICKED = Pattern.compile("`([A-Z][A-Za-z]+)`");

  @Test
  void everyReasonIsInTheReadmeAndEveryReasonThereIsGiven() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String reasons =
        readme.substring(
            readme.indexOf("| reason | condition |"), readme.indexOf("## kubectl flagrelease"));
    Set<String> given = given();

    assertThat(given).allSatisfy(reason -> assertThat(reasons).contains("`" + reason + "`"));
    assertThat(tableRows(reasons)).isNotEmpty().allSatisfy(r -> assertThat(given).contains(r));
  }

  /** The reasons the table's first column names. */
  private static List<String> tableRows(String reasons) {
    List<String> named = new ArrayList<>();
    for (String line : reasons.lines().skip(2).toList()) {
      if (!line.startsWith("|")) {
        break;
      }
      Matcher ticked = TICKED.matcher(line.split("\\|")[1]);
      while (ticked.find()) {
        named.add(ticked.group(1));
      }
    }
    return named;
  }

  private static Set<String> given() {
    return Arrays.stream(Reasons.class.getFields())
        .filter(field -> Modifier.isStatic(field.getModifiers()))
        .map(ReasonsTableTest::value)
        .collect(Collectors.toSet());
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
