import { PageQueryDto } from '../../../common/http/page-query.dto';

/** A page of a license's installations. */
export class ListInstallationsQueryDto extends PageQueryDto {}
