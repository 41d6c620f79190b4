// A checkbox for each of some options, for choosing any number of them (a consent's kinds of
// record, the ratings a product lends to).

export function Choices({
  options,
  chosen,
  onChange,
  label = (option) => option,
}: {
  options: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  label?: (option: string) => string;
}) {
  return (
    <>
      {options.map((option) => (
        <label key={option}>
          <input
            type="checkbox"
            checked={chosen.includes(option)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, option] : chosen.filter((c) => c !== option))}
          />
          {label(option)}
        </label>
      ))}
    </>
  );
}
