package io.flagops.plugin;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns, as kubectl prints them. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  String render(String indent) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? cell(row, i) : pad(cell(row, i), widths[i] + 3));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  private static String cell(String[] row, int i) {
    return i < row.length && row[i] != null && !row[i].isEmpty() ? row[i] : "-";
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
