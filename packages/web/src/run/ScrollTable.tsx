/** A table inside a region that scrolls on its own and takes keyboard focus for scrolling. */
import type { ReactNode } from "react";

/** The table is labelled `label`, its scroll region "`label` table". */
export function ScrollTable(props: {
  readonly label: string;
  readonly className?: string;
  readonly children: ReactNode;
}) {
  return (
    <div
      className="table-scroll"
      tabIndex={0}
      role="region"
      aria-label={`${props.label} table`}
    >
      <table className={props.className ?? "table"} aria-label={props.label}>
        {props.children}
      </table>
    </div>
  );
}
