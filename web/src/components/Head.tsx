import { useI18n } from '../i18n';

/** A table's header row: each column's title by its dictionary key ('' for none). */
export function Head({ columns }: { columns: string[] }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        {columns.map((key, i) => (
          <th key={key || i}>{key === '#' || key === '' ? key : t(key)}</th>
        ))}
      </tr>
    </thead>
  );
}
